package org.quicmesh.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Kademlia lookups of real node behaviors over the simulated network, scored against the true 20 closest. */
@Tag("sim")
class DhtSimulationTest {

  private static DhtSimulation.Result run(int nodes, int lookups, double dead, long seed) {
    return DhtSimulation.run(new DhtSimulation.Settings(nodes, lookups, 0, dead, "uniform:20-200", seed, 10,
        Duration.ofMillis(20), Duration.ofSeconds(60), Map.of()), line -> { });
  }

  @Test
  void lookupAccuracyInAThousandNodeVirtualTimeSimulation() {
    DhtSimulation.Result r = run(1000, 300, 0, 1);
    System.out.println("1000-node DHT simulation: " + r);
    assertEquals(300, r.lookups());
    assertEquals(1.0, r.successRate());
    assertTrue(r.accuracyMean() >= 0.98, "accuracy " + r.accuracyMean());
    assertTrue(r.roundsP50() <= 4, "rounds p50 " + r.roundsP50());
  }

  @Test
  void withThirtyPercentOfNodesCrashedSilentlyLookupsStillSucceedAndStayAccurate() {
    DhtSimulation.Result r = run(1000, 300, 0.3, 2);
    System.out.println("1000-node DHT simulation, 30% dead: " + r);
    assertEquals(300, r.lookups());
    assertTrue(r.successRate() >= 0.99, "success " + r.successRate());
    assertTrue(r.accuracyMean() >= 0.9, "accuracy " + r.accuracyMean());
    // Virtual time, so a real guarantee: a silent peer never costs a lookup three per-RPC timeouts (5 s each).
    assertTrue(r.latencyMsMax() < 15_000, "slowest lookup " + r.latencyMsMax() + " ms");
  }

  @Test
  void theSameSeedReplaysTheSameRun() {
    DhtSimulation.Result a = run(150, 100, 0.1, 7);
    DhtSimulation.Result b = run(150, 100, 0.1, 7);
    assertEquals(a.latencyMsP50(), b.latencyMsP50());
    assertEquals(a.latencyMsMax(), b.latencyMsMax());
    assertEquals(a.messagesPerLookup(), b.messagesPerLookup());
    assertEquals(a.accuracyMean(), b.accuracyMean());
  }
}
