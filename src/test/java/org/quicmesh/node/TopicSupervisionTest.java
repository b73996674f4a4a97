package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.pubsub.MessageId;
import org.quicmesh.pubsub.TopicStatus;
import org.quicmesh.simulation.SimulatedMesh.Member;

/** A topic actor restarts after a failure and the router re-seeds it: its subscribers keep receiving, its mesh re-forms. */
class TopicSupervisionTest {
  private final SupervisedMesh mesh = new SupervisedMesh(10, 34).subscribeAll("chat");

  @AfterEach
  void close() {
    mesh.close();
  }

  @Test
  void subscribersOfARestartedTopicKeepReceivingAndItsMeshReforms() {
    Member failing = mesh.nodes.get(5);
    mesh.fail(failing, NodeGuardian.Child.PUBSUB, "chat");
    mesh.cluster.advance(Duration.ofSeconds(5));

    for (int i = 0; i < 3; i++) {
      Member from = mesh.nodes.get(i == 1 ? 5 : i);
      mesh.cluster.<MessageId>ask(from.node(),
          r -> new MeshNode.Publish("chat", ("message " + from.index()).getBytes(StandardCharsets.UTF_8), r));
    }
    mesh.cluster.advance(Duration.ofSeconds(5));
    assertEquals(2, mesh.inboxes.get(5).size(), "the restarted topic's subscriber: " + mesh.inboxes.get(5));
    for (int n = 0; n < mesh.nodes.size(); n++) {
      int own = n == 0 || n == 2 || n == 5 ? 1 : 0;
      assertEquals(3 - own, mesh.inboxes.get(n).size(), "node " + n);
    }
    NodeStatus status = mesh.status(failing);
    TopicStatus chat = status.telemetry().pubsub().meshes().get(0);
    assertTrue(chat.subscribed() && chat.ready(), "mesh re-formed: " + chat);
    assertEquals(1L, status.telemetry().pubsub().counters().get("topics.restarted"));
    assertEquals(List.of("chat"), status.telemetry().pubsub().subscribed());
  }
}
