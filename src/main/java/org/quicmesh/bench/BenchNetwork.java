package org.quicmesh.bench;

import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.quicmesh.identity.NodeId;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;

/**
 * Where {@link MeshBench}'s nodes run: real QUIC sockets on 127.0.0.1 ({@link QuicBenchNetwork}) or the simulated
 * network in virtual time ({@link SimBenchNetwork}). The scenario is the same on both; only this differs.
 */
interface BenchNetwork {

  /** One node of the bench: its index (0 is the bootstrap node), identity and actor. */
  record Node(int index, NodeId id, ActorRef<MeshNode.Command> ref) {}

  /** {@code quic} or {@code sim}, as the JSON's {@code transport} field says. */
  String transport();

  /** The links: {@code loopback} over QUIC, the latency model in the simulator. */
  String links();

  /** Real time over QUIC, virtual time in the simulator. */
  Clock clock();

  /** Spawns one more node as a child of {@code context}; {@code config} carries its bootstrap seeds. */
  Node spawn(ActorContext<?> context, MeshConfig config);
}
