package org.quicmesh.simulation;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.quicmesh.identity.Keypair;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.NodeEnvironment;
import org.quicmesh.node.TransportFactory;
import org.quicmesh.transport.sim.SimNetwork;

/**
 * N real node behaviors on one {@link SimNetwork}, spawned by a scenario's parent actor. Identities and per-node
 * randomness derive from the scenario's seeded {@link Random}, so a seed fixes the whole run.
 */
public final class SimulatedMesh {

  /** One simulated node: its identity, address and actor. */
  public record Member(Keypair keypair, InetSocketAddress address, ActorRef<MeshNode.Command> node) {}

  private final List<Member> members;

  private SimulatedMesh(List<Member> members) {
    this.members = List.copyOf(members);
  }

  /** Spawns {@code count} nodes as children of the calling actor. */
  public static SimulatedMesh spawn(ActorContext<?> context, SimNetwork network, int count, MeshConfig config,
      java.time.Clock clock, Random random) {
    List<Member> members = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      Keypair keypair = Keypair.fromSecret(secret);
      InetSocketAddress address = network.nextAddress();
      TransportFactory transport = (system, kp, cfg) -> network.attach(address, kp);
      NodeEnvironment environment = new NodeEnvironment(clock, new Random(random.nextLong()));
      ActorRef<MeshNode.Command> node =
          context.spawn(MeshNode.create(config, keypair, transport, environment), "node-" + i);
      members.add(new Member(keypair, address, node));
    }
    return new SimulatedMesh(members);
  }

  public List<Member> members() {
    return members;
  }

  public Member member(int index) {
    return members.get(index);
  }

  public int size() {
    return members.size();
  }
}
