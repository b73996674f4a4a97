package org.quicmesh.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Values under churn: a quarter of each value's holders crash every 20 virtual minutes, new nodes join, the
 * publishers are gone; holders re-replicate, so every get succeeds and no value drops below k/2 holders.
 */
@Tag("sim")
class StoreSimulationTest {

  @Test
  void valuesWhosePublishersLeftSurviveAQuarterOfTheirHoldersCrashingEveryTwentyMinutes() {
    // Two values over 3 virtual hours (9 crash waves); 10 joins per round keep the population near 60, since each wave
    // crashes about 9 nodes (a quarter of two overlapping sets of about 20 holders).
    StoreSimulation.Result r = StoreSimulation.run(
        StoreSimulation.Settings.of(60, 2, 3, 0.25, 10, true, "uniform:20-200", 1, Map.of()), line -> { });
    System.out.println("store simulation: " + r);
    assertEquals(9, r.rounds());
    // Gets whose asking node crashed before answering are not scored, so slightly fewer than 9 x 40 x 2 count.
    assertTrue(r.gets() >= 0.9 * 9 * 40 * 2, "gets " + r.gets());
    assertEquals(1.0, r.getSuccessRatio(), "failed gets: " + r.getFailures());
    assertTrue(r.holdersMin() >= r.k() / 2.0, "holders min " + r.holdersMin() + " with k " + r.k());
    assertTrue(r.nodesCrashed() >= 9 * 2 * 4, "the holders really churned: " + r.nodesCrashed() + " crashed");
    assertTrue(r.republishMsgsPerNodeHour() > 0, "replication traffic is counted");
  }
}
