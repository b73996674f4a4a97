package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicmesh.dht.LookupResult;
import org.quicmesh.dht.PutResult;
import org.quicmesh.identity.NodeId;

/** 50 real QUIC nodes on loopback in one JVM form a DHT: everyone finds everyone, a value put on one is read by all. */
@Tag("integration")
class DhtOverQuicIT {
  private static final int NODES = 50;
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final List<Quicmesh> MESH = new ArrayList<>();
  private static final List<NodeId> IDS = new ArrayList<>();
  private static QuicMeshFixture fixture;

  @BeforeAll
  static void startMesh() throws Exception {
    fixture = QuicMeshFixture.start(KIT.system(), "quic-node-", NODES, 5, Duration.ofSeconds(60));
    MESH.addAll(fixture.nodes);
    IDS.addAll(fixture.ids);
  }

  @AfterAll
  static void stopMesh() throws Exception {
    fixture.shutdown();
    KIT.shutdownTestKit();
  }

  @Test
  void everyNodeFindsEveryOtherByLookup() throws Exception {
    int found = 0;
    List<String> missed = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      // A few lookups at a time per node: 50 nodes share 2 cores, and the soft timeouts are RTT-derived.
      for (int first = 0; first < NODES; first += 7) {
        List<Integer> targets = new ArrayList<>();
        List<CompletableFuture<LookupResult>> lookups = new ArrayList<>();
        for (int j = first; j < Math.min(NODES, first + 7); j++) {
          if (i != j) {
            targets.add(j);
            lookups.add(MESH.get(i).findNode(IDS.get(j)).toCompletableFuture());
          }
        }
        for (int t = 0; t < targets.size(); t++) {
          LookupResult result = lookups.get(t).get(60, TimeUnit.SECONDS);
          NodeId target = IDS.get(targets.get(t));
          if (!found(result, target)) {
            // 50 nodes on 2 cores: a target answering slower than its RTT-derived soft timeout drops out of one
            // lookup's result. Look again once, as an application would; both attempts failing is a miss.
            missed.add(i + "->" + targets.get(t) + " " + result.stats());
            result = MESH.get(i).findNode(target).toCompletableFuture().get(60, TimeUnit.SECONDS);
          }
          if (found(result, target)) {
            found++;
          }
        }
      }
    }
    System.out.println("first attempts that missed their target: " + missed.size() + " of " + NODES * (NODES - 1));
    assertEquals(NODES * (NODES - 1), found, "lookups whose closest result is their target; first misses: " + missed);
  }

  private static boolean found(LookupResult result, NodeId target) {
    return !result.closest().isEmpty() && result.closest().get(0).id().equals(target);
  }

  @Test
  void aValuePutOnOneNodeIsReadFromAllOthers() throws Exception {
    byte[] value = "stored over QUIC".getBytes(StandardCharsets.UTF_8);
    PutResult put = MESH.get(17).put(value).toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertTrue(put.replicas() >= 10, "replicas: " + put.replicas());
    for (Quicmesh node : MESH) {
      assertArrayEquals(value, node.get(put.key()).toCompletableFuture().get(60, TimeUnit.SECONDS));
    }
  }
}
