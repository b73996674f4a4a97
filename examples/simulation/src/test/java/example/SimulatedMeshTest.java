package example;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.dht.PutResult;
import org.quicmesh.pubsub.MessageId;
import org.quicmesh.testkit.MeshSimulation;
import org.quicmesh.testkit.SimNode;
import org.quicmesh.testkit.TopicInbox;

/**
 * How a Quicmesh user tests their own mesh logic: 300 real nodes with 20-200 ms links, simulated in one JVM in
 * virtual time (about 13 s of CPU for the whole class), deterministic for the seed. Uses only the public API.
 */
@Tag("sim")                                        // the project's tag for simulations; drop it in yours if you like
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)   // one mesh for the class's tests
class SimulatedMeshTest {

  private MeshSimulation mesh;

  @BeforeAll
  void buildMesh() {
    mesh = MeshSimulation.builder()
        .nodes(300)
        .latency("uniform:20-200")   // each pair of nodes gets its own round-trip time in that range
        .seed(42)                    // same seed, same run
        .build();                    // spawns the nodes, lets them join and the DHT settle (virtual time)
  }

  @AfterAll
  void close() {
    mesh.close();
  }

  @Test
  void valuesStoredBySomeNodesAreFetchedByOthers() {
    List<byte[]> values = new ArrayList<>();
    List<CompletionStage<PutResult>> puts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      byte[] value = ("value " + i).getBytes(UTF_8);
      values.add(value);
      puts.add(mesh.node(i * 30).put(value));
    }
    List<PutResult> stored = mesh.runUntilAll(puts, Duration.ofSeconds(30));

    List<CompletionStage<byte[]>> gets = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      assertTrue(stored.get(i).replicas() > 0, "value " + i + " reached other nodes");
      gets.add(mesh.node(299 - i * 30).get(stored.get(i).key()));
    }
    List<byte[]> fetched = mesh.runUntilAll(gets, Duration.ofSeconds(30));
    for (int i = 0; i < 10; i++) {
      assertArrayEquals(values.get(i), fetched.get(i));
    }
  }

  @Test
  void everySubscriberReceivesEveryMessageGossipedOnTheTopic() {
    List<TopicInbox> inboxes = new ArrayList<>();
    for (SimNode node : mesh.nodes()) {
      inboxes.add(node.subscribe("news"));
    }
    mesh.runUntil(mesh.node(0).whenTopicReady("news"), Duration.ofSeconds(30));
    mesh.runFor(Duration.ofSeconds(5));      // every node's topic mesh forms

    List<SimNode> publishers = List.of(mesh.node(0), mesh.node(100), mesh.node(200));
    List<CompletionStage<MessageId>> publishes = new ArrayList<>();
    for (SimNode publisher : publishers) {
      publishes.add(publisher.publish("news", ("hello from " + publisher.index()).getBytes(UTF_8)));
    }
    mesh.runUntilAll(publishes, Duration.ofSeconds(10));

    // A publisher does not receive its own message: each node expects the others'.
    int[] expected = new int[mesh.size()];
    for (SimNode node : mesh.nodes()) {
      expected[node.index()] = publishers.contains(node) ? 2 : 3;
    }
    boolean delivered = mesh.runUntil(
        () -> mesh.nodes().stream().allMatch(node -> inboxes.get(node.index()).size() >= expected[node.index()]),
        Duration.ofSeconds(10));
    assertTrue(delivered, "every node received the messages within 10 s of virtual time");
    mesh.runFor(Duration.ofSeconds(2));     // late duplicates, if any, would show now
    for (SimNode node : mesh.nodes()) {
      assertEquals(expected[node.index()], inboxes.get(node.index()).size(), node + " got each message once");
    }
  }
}
