package org.quicmesh.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** GossipSub between real node behaviors over the simulated network, whole scenarios in virtual time. */
@Tag("sim")
class GossipSimulationTest {

  private static GossipSimulation.Result run(int nodes, int publishes, double loss, double crash, long seed) {
    // A shorter settle than the CLI's 30 s keeps each run near a minute of wall time; meshes form after subscribing.
    GossipSimulation.Result r = GossipSimulation.run(new GossipSimulation.Settings(nodes, publishes, loss, crash,
        "uniform:20-200", seed, 10, 64, Duration.ofMillis(20), Duration.ofSeconds(10), Duration.ofSeconds(5),
        Duration.ofSeconds(5), Map.of()), line -> { });
    System.out.println("gossip simulation " + nodes + " nodes, loss " + loss + ", crash " + crash + ": " + r);
    return r;
  }

  @Test
  void inAHealthyNetworkEverySubscriberReceivesEveryMessageWithBoundedDuplicates() {
    GossipSimulation.Result r = run(300, 100, 0, 0, 3);
    assertEquals(0, r.publishFailures());
    assertEquals(1.0, r.deliveryRatio());
    assertTrue(r.duplicatesPerDelivery() <= DUPLICATE_BOUND, "duplicates per delivery " + r.duplicatesPerDelivery());
    assertTrue(r.hopsP95() <= 2 * Math.log(300) / Math.log(6) + 1, "hops p95 " + r.hopsP95());
    assertTrue(r.latencyRatioP95() <= 1.5, "latency p95 / best path p95 " + r.latencyRatioP95());
  }

  @Test
  void withTenPercentMessageLossIHaveIWantRepairDeliversNearlyEverything() {
    GossipSimulation.Result r = run(300, 50, 0.1, 0, 4);
    assertTrue(r.streamMessagesLost() > 0, "the simulated loss must drop stream messages");
    assertTrue(r.iwantAnswered() > 0, "repair must go through IWant");
    assertTrue(r.deliveryRatio() >= 0.999, "delivery " + r.deliveryRatio());
  }

  @Test
  void theSameSeedReplaysTheSameRun() {
    GossipSimulation.Result a = run(60, 10, 0.1, 0.2, 7);
    GossipSimulation.Result b = run(60, 10, 0.1, 0.2, 7);
    assertEquals(a.deliveries(), b.deliveries());
    assertEquals(a.latencyMsP50(), b.latencyMsP50());
    assertEquals(a.latencyMsMax(), b.latencyMsMax());
    assertEquals(a.hopsP95(), b.hopsP95());
    assertEquals(a.duplicatesPerDelivery(), b.duplicatesPerDelivery());
    assertEquals(a.controlBytesPerDelivery(), b.controlBytesPerDelivery());
    assertEquals(a.streamMessagesLost(), b.streamMessagesLost());
  }

  /**
   * Flooding a mesh costs about (mean mesh degree) - 2 duplicates per delivery, about 5 with D = 6; choking brings it
   * to about 2.5 at 1,000 nodes over 100 messages (docs/benchmarks.md), counting the first messages that pass before
   * the first choke decisions (each needs 10 first copies per node). The target.
   */
  private static final double DUPLICATE_BOUND = 3;
}
