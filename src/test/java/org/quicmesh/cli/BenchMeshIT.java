package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code quicmesh bench mesh --json} at a small N, over real QUIC and over the simulator: every phase runs, the last
 * stdout line carries the js-libp2p harness's fields, every lookup succeeds and every message reaches every node.
 */
@Tag("integration")
class BenchMeshIT {
  private static final List<String> FIELDS = List.of("impl", "transport", "nodes", "setup_s", "lookup/count",
      "lookup/success_rate", "lookup/accuracy_mean", "lookup/p50_ms", "lookup/p95_ms", "gossip/published",
      "gossip/delivery_ratio", "gossip/p50_ms", "gossip/p95_ms", "gossip/max_ms", "gossip/duplicates_per_delivery",
      "rss_mb_per_node", "heap_mb_per_node", "cpu_ms_per_delivery");

  @Test
  @Timeout(150)
  void tenQuicNodesOnLoopbackRunEveryPhaseWithEveryLookupAndMessageThrough() throws Exception {
    // Paranoid leak detection (the test JVM's default) records a stack trace per buffer access: not what we measure.
    ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    try {
      JsonNode result = benchMesh("--nodes", "10", "--transport", "quic", "--lookups", "20", "--publishes", "20",
          "--event-loops", "2", "--warmup-rounds", "1");
      assertComplete(result, "quic", 10);
      assertTrue(result.get("threads").asInt() < 60, "nodes share event loops and dispatchers: " + result);
      assertEquals(1, result.at("/warmup/rounds").asInt(), "one warm-up round, on a topic of its own: " + result);
      assertEquals(100, result.at("/warmup/publishes_per_round").asInt(), result.toString());
      assertTrue(result.at("/gossip/datagrams_per_delivery").asDouble() > 1, "each delivery takes datagrams");
    } finally {
      ResourceLeakDetector.setLevel(level);
    }
  }

  @Test
  @Timeout(120)
  void twentySimulatedNodesRunEveryPhaseInVirtualTime() throws Exception {
    JsonNode result = benchMesh("--nodes", "20", "--transport", "sim", "--latency", "uniform:20-200", "--lookups",
        "20", "--publishes", "20");
    assertComplete(result, "sim", 20);
    assertEquals("uniform:20-200", result.get("links").asText());
    assertTrue(result.get("warmup").isNull(), "no JIT warm-up in virtual time: " + result);
    // Links of 10-100 ms one way: no delivery or lookup can be faster than the fastest link.
    assertTrue(result.at("/gossip/p50_ms").asDouble() >= 10, result.toString());
    assertTrue(result.at("/lookup/p50_ms").asDouble() >= 20, result.toString());
  }

  private static void assertComplete(JsonNode result, String transport, int nodes) {
    for (String field : FIELDS) {
      assertTrue(!result.at("/" + field).isMissingNode() && !result.at("/" + field).isNull(),
          field + " missing in " + result);
    }
    assertEquals("quicmesh", result.get("impl").asText());
    assertEquals(transport, result.get("transport").asText());
    assertEquals(nodes, result.get("nodes").asInt());
    assertTrue(result.get("error").isNull(), result.toString());
    assertEquals(20, result.at("/lookup/count").asInt());
    assertEquals(1.0, result.at("/lookup/success_rate").asDouble(), result.toString());
    assertEquals(1.0, result.at("/lookup/accuracy_mean").asDouble(), result.toString());
    assertEquals(20, result.at("/gossip/published").asInt());
    assertEquals(1.0, result.at("/gossip/delivery_ratio").asDouble(), result.toString());
    assertEquals(20L * (nodes - 1), result.at("/gossip/delivered").asLong());
    assertTrue(result.at("/gossip/p95_ms").asDouble() >= result.at("/gossip/p50_ms").asDouble());
    assertTrue(result.get("cpu_ms_per_delivery").asDouble() > 0);
    assertTrue(result.get("rss_mb_per_node").asDouble() > 0 && result.get("heap_mb_per_node").asDouble() > 0);
  }

  /** Runs the CLI and parses the last line it printed on stdout. */
  private static JsonNode benchMesh(String... flags) throws Exception {
    String[] args = new String[flags.length + 3];
    args[0] = "bench";
    args[1] = "mesh";
    System.arraycopy(flags, 0, args, 2, flags.length);
    args[args.length - 1] = "--json";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int exit;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      exit = Main.run(args);
    } finally {
      System.setOut(stdout);
    }
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertEquals(0, exit, "exit code; stdout: " + out);
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }
}
