package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.node.Quicmesh;
import org.quicmesh.node.QuicMeshFixture;

/**
 * 50 real QUIC nodes on loopback in one JVM subscribe to one topic through the facade's stream API; every message
 * published by one of them reaches every other. Prints (does not assert) delivery latency and CPU per delivery.
 */
@Tag("integration")
class GossipOverQuicIT {
  private static final int NODES = 50;
  private static final int MESSAGES = 40;
  /** The first messages warm the JIT up; only the later ones count for the latency and CPU figures. */
  private static final int WARMUP = 20;
  private static final String TOPIC = "it/gossip";
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final List<Quicmesh> MESH = new ArrayList<>();
  private static final List<NodeId> IDS = new ArrayList<>();
  private static QuicMeshFixture fixture;

  /** One delivery: which node got which message, and when (System.nanoTime, one JVM so comparable). */
  private record Delivery(int node, int message, long atNanos) {}

  private static final ConcurrentLinkedQueue<Delivery> DELIVERIES = new ConcurrentLinkedQueue<>();
  private static ResourceLeakDetector.Level leakLevel;

  @BeforeAll
  static void startMesh() throws Exception {
    // The test JVM runs Netty's paranoid leak detection (a stack trace per buffer access), which multiplies the cost
    // of every send and makes latency meaningless; the default sampling level still reports leaks.
    leakLevel = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    fixture = QuicMeshFixture.start(KIT.system(), "gossip-node-", NODES, 7, Duration.ofSeconds(30));
    MESH.addAll(fixture.nodes);
    IDS.addAll(fixture.ids);
  }

  @AfterAll
  static void stopMesh() throws Exception {
    fixture.shutdown();
    KIT.shutdownTestKit();
    ResourceLeakDetector.setLevel(leakLevel);
  }

  @Test
  void everySubscriberReceivesEveryMessageFromEveryPublisher() throws Exception {
    for (int i = 0; i < NODES; i++) {
      int node = i;
      MESH.get(i).subscribe(TOPIC).runWith(Sink.foreach(m -> DELIVERIES.add(
          new Delivery(node, ByteBuffer.wrap(m.data()).getInt(), System.nanoTime()))), KIT.system());
    }
    List<CompletableFuture<?>> ready = new ArrayList<>();
    for (Quicmesh node : MESH) {
      ready.add(node.whenTopicReady(TOPIC, Duration.ofSeconds(40)).toCompletableFuture());
    }
    long readyStart = System.nanoTime();
    CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(45, TimeUnit.SECONDS);
    System.out.printf("gossip over QUIC: %d meshes reached D_low in %.1f s%n", NODES,
        (System.nanoTime() - readyStart) / 1e9);

    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = 0;
    long phaseStart = 0;
    Random random = new Random(11);
    int[] publisher = new int[MESSAGES];
    long[] publishedAt = new long[MESSAGES];
    for (int m = 0; m < MESSAGES; m++) {
      if (m == WARMUP) {
        cpuBefore = os.getProcessCpuTime();
        phaseStart = System.nanoTime();
      }
      publisher[m] = random.nextInt(NODES);
      // Payload: the message index, padded to a typical small message.
      byte[] data = ByteBuffer.allocate(256).putInt(m).array();
      publishedAt[m] = System.nanoTime();
      MESH.get(publisher[m]).publish(TOPIC, data).toCompletableFuture().get(10, TimeUnit.SECONDS);
      Thread.sleep(50);
    }
    int expected = MESSAGES * (NODES - 1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (DELIVERIES.size() < expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(500); // late duplicates, if any, would show up here
    long cpuNanos = os.getProcessCpuTime() - cpuBefore;
    double phaseSeconds = (System.nanoTime() - phaseStart) / 1e9;

    Map<Integer, Set<Integer>> received = new TreeMap<>();
    List<Long> latencies = new ArrayList<>();
    int duplicatesOrOwn = 0;
    for (Delivery d : DELIVERIES) {
      boolean fresh = received.computeIfAbsent(d.node(), k -> ConcurrentHashMap.newKeySet()).add(d.message());
      if (!fresh || publisher[d.message()] == d.node()) {
        duplicatesOrOwn++;
      } else if (d.message() >= WARMUP) {
        latencies.add(d.atNanos() - publishedAt[d.message()]);
      }
    }
    latencies.sort(null);
    System.out.printf("gossip over QUIC: %d nodes, %d messages after %d warm-up ones, %d deliveries in %.1f s; latency "
            + "p50 %.2f ms, p95 %.2f ms, max %.2f ms; CPU %.2f ms per delivered message (%.1f s process CPU over the "
            + "phase, heartbeats of %d idle-ish nodes included; %d cores, load average %.1f)%n",
        NODES, MESSAGES - WARMUP, WARMUP, latencies.size(), phaseSeconds, percentile(latencies, 0.50),
        percentile(latencies, 0.95), percentile(latencies, 1.0), cpuNanos / 1e6 / Math.max(1, latencies.size()),
        cpuNanos / 1e9, NODES, os.getAvailableProcessors(), os.getSystemLoadAverage());

    // Heartbeats keep deciding chokes while the statuses are read one node after another, so a Choke can be in
    // flight between a sender's count and its receiver's: read again until the sums agree (bounded).
    Map<String, Long> counters = summedCounters();
    for (int attempt = 0; attempt < 20 && !chokesAccountedFor(counters); attempt++) {
      Thread.sleep(200);
      counters = summedCounters();
    }
    System.out.println("gossip over QUIC: router counters summed over all nodes: " + counters);
    assertTrue(counters.getOrDefault("chokes.received", 0L) > 0, "mesh peers sending late copies were choked");
    assertTrue(chokesAccountedFor(counters), "every Choke arrived over the QUIC streams: " + counters);

    for (int n = 0; n < NODES; n++) {
      Set<Integer> missing = new java.util.TreeSet<>();
      for (int m = 0; m < MESSAGES; m++) {
        if (publisher[m] != n && !received.getOrDefault(n, Set.of()).contains(m)) {
          missing.add(m);
        }
      }
      assertTrue(missing.isEmpty(), "node " + n + " (" + IDS.get(n).shortHex() + ") missed messages " + missing);
    }
    assertEquals(0, duplicatesOrOwn, "duplicate deliveries or messages delivered back to their publisher");
    assertEquals((MESSAGES - WARMUP) * (NODES - 1), latencies.size());
  }

  private static double percentile(List<Long> sortedNanos, double q) {
    if (sortedNanos.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(q * sortedNanos.size()) - 1;
    return sortedNanos.get(Math.max(0, Math.min(sortedNanos.size() - 1, index))) / 1e6;
  }

  private static Map<String, Long> summedCounters() throws Exception {
    Map<String, Long> counters = new TreeMap<>();
    for (Quicmesh node : MESH) {
      node.status().toCompletableFuture().get(10, TimeUnit.SECONDS).telemetry().pubsub().counters()
          .forEach((k, v) -> counters.merge(k, v, Long::sum));
    }
    return counters;
  }

  private static boolean chokesAccountedFor(Map<String, Long> counters) {
    return counters.getOrDefault("chokes.sent", 0L)
        == counters.getOrDefault("chokes.received", 0L) + counters.getOrDefault("rejected.choke-outside-mesh", 0L);
  }
}
