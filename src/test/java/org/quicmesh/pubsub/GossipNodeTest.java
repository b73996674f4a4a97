package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.NodeStatus;
import org.quicmesh.simulation.SimCluster;
import org.quicmesh.simulation.SimulatedMesh.Member;
import org.quicmesh.transport.sim.LatencyModel;

/** GossipSub between real node behaviors over the simulated network, in virtual time. */
class GossipNodeTest {
  private SimCluster cluster;
  private final List<Member> nodes = new ArrayList<>();
  private final List<List<ReceivedMessage>> inboxes = new ArrayList<>();

  @BeforeEach
  void joinAndSubscribe() {
    cluster = new SimCluster(21, LatencyModel.uniformRtt(Duration.ofMillis(20), Duration.ofMillis(100), 21));
    MeshConfig config = MeshConfig.load();
    nodes.add(cluster.spawn(config));
    for (int i = 1; i < 30; i++) {
      nodes.add(cluster.spawn(config.withBootstrap(List.of(nodes.get(i - 1).address()))));
      cluster.advance(Duration.ofMillis(100));
    }
    cluster.advance(Duration.ofSeconds(20));
    for (Member m : nodes) {
      List<ReceivedMessage> inbox = new ArrayList<>();
      inboxes.add(inbox);
      cluster.tell(m.node(), new MeshNode.Subscribe("chat", cluster.collector(inbox)));
    }
    cluster.advance(Duration.ofSeconds(10));
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void everySubscriberReceivesEveryMessageOnce() {
    for (int i = 0; i < 5; i++) {
      byte[] data = ("message " + i).getBytes(StandardCharsets.UTF_8);
      cluster.<MessageId>ask(nodes.get(i * 5).node(), r -> new MeshNode.Publish("chat", data, r));
    }
    cluster.advance(Duration.ofSeconds(5));
    for (int n = 0; n < nodes.size(); n++) {
      // Publishers (nodes 0, 5, .., 20) do not receive their own message.
      int expected = n % 5 == 0 && n < 25 ? 4 : 5;
      assertEquals(expected, inboxes.get(n).size(), "node " + n);
    }
  }

  @Test
  void meshesFormWithinTheDegreeBounds() {
    for (Member m : nodes) {
      NodeStatus status = cluster.ask(m.node(), MeshNode.GetStatus::new);
      assertTrue(status.telemetry().pubsub().peers() >= 4, "peers " + status.telemetry().pubsub().peers());
    }
  }

  @Test
  void publishingToATopicWithoutPeersFailsClearly() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> cluster.<MessageId>ask(nodes.get(3).node(), r -> new MeshNode.Publish("empty-topic", new byte[] {1}, r)));
    assertTrue(e.getMessage().contains("no peer is known for topic"), e.getMessage());
  }
}
