package org.quicmesh.bench;

import java.time.Clock;
import java.util.Random;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.simulation.SimulatedMesh;
import org.quicmesh.virtualtime.SimDriver;

/** The bench's nodes on the simulated network, in virtual time, links per a latency model. */
final class SimBenchNetwork implements BenchNetwork {
  private final SimulatedMesh mesh;
  private final String latency;
  private final Clock clock;

  SimBenchNetwork(ActorContext<?> context, String latency, long seed, Random random) {
    this.clock = SimDriver.of(context.getSystem()).clock();
    this.mesh = new SimulatedMesh(SimulatedMesh.network(context, clock, latency, seed), clock, random);
    this.latency = latency;
  }

  @Override
  public String transport() {
    return "sim";
  }

  @Override
  public String links() {
    return latency;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Node spawn(ActorContext<?> context, MeshConfig config) {
    SimulatedMesh.Member member = mesh.spawn(context, config);
    return new Node(member.index(), member.keypair().nodeId(), member.node());
  }
}
