package org.quicmesh.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.quicmesh.pubsub.ReceivedMessage;
import org.quicmesh.simulation.SimCluster;
import org.quicmesh.simulation.SimulatedMesh.Member;
import org.quicmesh.transport.sim.LatencyModel;

/**
 * A small simulated mesh for supervision tests: nodes joined in a chain, optionally subscribed to a topic, and the
 * test-only way to make one of a node's actors fail ({@link NodeGuardian.InjectFailure}).
 */
final class SupervisedMesh implements AutoCloseable {
  final SimCluster cluster;
  final List<Member> nodes = new ArrayList<>();
  final List<List<ReceivedMessage>> inboxes = new ArrayList<>();

  SupervisedMesh(int size, long seed) {
    cluster = new SimCluster(seed, LatencyModel.uniformRtt(Duration.ofMillis(20), Duration.ofMillis(80), seed));
    MeshConfig config = MeshConfig.load();
    nodes.add(cluster.spawn(config));
    for (int i = 1; i < size; i++) {
      nodes.add(cluster.spawn(config.withBootstrap(List.of(nodes.get(i - 1).address()))));
      cluster.advance(Duration.ofMillis(100));
    }
    cluster.advance(Duration.ofSeconds(20));
  }

  /** Subscribes every node to {@code topic}, one inbox each, and lets the meshes form. */
  SupervisedMesh subscribeAll(String topic) {
    for (Member m : nodes) {
      List<ReceivedMessage> inbox = new ArrayList<>();
      inboxes.add(inbox);
      cluster.tell(m.node(), new MeshNode.Subscribe(topic, cluster.collector(inbox)));
    }
    cluster.advance(Duration.ofSeconds(10));
    return this;
  }

  /** Makes {@code child} of {@code node} (or the actor of {@code topic} under its router) throw once. */
  void fail(Member node, NodeGuardian.Child child, String topic) {
    node.node().<NodeGuardian.Message>unsafeUpcast().tell(new NodeGuardian.InjectFailure(child, topic));
    cluster.advance(Duration.ofMillis(10));
  }

  NodeStatus status(Member node) {
    return cluster.ask(node.node(), MeshNode.GetStatus::new);
  }

  @Override
  public void close() {
    cluster.close();
  }
}
