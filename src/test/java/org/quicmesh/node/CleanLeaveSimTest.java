package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.pubsub.MessageId;
import org.quicmesh.pubsub.TopicStatus;
import org.quicmesh.simulation.SimulatedMesh.Member;

/**
 * A node that stops cleanly prunes itself from its peers' meshes, so they repair within one heartbeat; a node that
 * vanishes silently stays in their meshes past that (what the clean leave saves them).
 */
class CleanLeaveSimTest {
  private static final String TOPIC = "news";
  /** One heartbeat (1 s) plus the largest one-way latency of the mesh, so the Prune has arrived and been reported. */
  private static final Duration ONE_HEARTBEAT = Duration.ofMillis(1000 + 40 + 20);

  private final SupervisedMesh mesh = new SupervisedMesh(6, 12).subscribeAll(TOPIC);

  @AfterEach
  void close() {
    mesh.close();
  }

  private int meshSize(Member node) {
    List<TopicStatus> topics = mesh.status(node).telemetry().pubsub().meshes();
    return topics.stream().filter(t -> t.topic().equals(TOPIC)).findFirst().orElseThrow().mesh();
  }

  private List<Member> othersThan(Member leaving) {
    return mesh.nodes.stream().filter(m -> m != leaving).toList();
  }

  @Test
  void peersDropACleanlyLeavingNodeFromTheirMeshWithinOneHeartbeat() {
    Member leaving = mesh.nodes.get(3);
    for (Member m : mesh.nodes) {
      assertEquals(5, meshSize(m), "six nodes: every other node is in each mesh");
    }
    List<Done> stopped = new ArrayList<>();
    leaving.node().tell(new MeshNode.Stop(mesh.cluster.collector(stopped)));
    mesh.cluster.advance(ONE_HEARTBEAT);
    assertEquals(List.of(Done.getInstance()), stopped, "the node stopped within the heartbeat");
    for (Member m : othersThan(leaving)) {
      assertEquals(4, meshSize(m), "node " + m.index() + " repaired its mesh");
    }
    // The repaired meshes carry messages to everyone left.
    mesh.cluster.<MessageId>ask(mesh.nodes.get(0).node(),
        r -> new MeshNode.Publish(TOPIC, "after the leave".getBytes(StandardCharsets.UTF_8), r));
    mesh.cluster.advance(Duration.ofSeconds(2));
    for (Member m : othersThan(leaving).subList(1, 5)) {
      assertEquals(1, mesh.inboxes.get(m.index()).size(), "node " + m.index());
    }
  }

  @Test
  void withoutACleanLeavePeersStillCountTheVanishedNodeAfterOneHeartbeat() {
    Member vanishing = mesh.nodes.get(3);
    mesh.cluster.network().crash(vanishing.address());
    mesh.cluster.advance(ONE_HEARTBEAT);
    long stale = othersThan(vanishing).stream().filter(m -> meshSize(m) == 5).count();
    assertTrue(stale > 0, "a silent crash is noticed only at a timeout, not within a heartbeat");
  }
}
