package org.quicmesh.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** GossipSub between real node behaviors over the simulated network, whole scenarios in virtual time. */
@Tag("sim")
class GossipSimulationTest {

  private static GossipSimulation.Result run(int nodes, int publishes, double loss, double crash, long seed) {
    GossipSimulation.Result r = GossipSimulation.run(
        GossipSimulation.Settings.of(nodes, publishes, loss, crash, "uniform:20-200", seed), line -> { });
    System.out.println("gossip simulation " + nodes + " nodes, loss " + loss + ", crash " + crash + ": " + r);
    return r;
  }

  @Test
  void inAHealthyNetworkEverySubscriberReceivesEveryMessageWithBoundedDuplicates() {
    GossipSimulation.Result r = run(300, 50, 0, 0, 3);
    assertEquals(0, r.publishFailures());
    assertEquals(1.0, r.deliveryRatio());
    assertTrue(r.duplicatesPerDelivery() <= DUPLICATE_BOUND, "duplicates per delivery " + r.duplicatesPerDelivery());
    assertTrue(r.hopsP95() <= 2 * Math.log(300) / Math.log(6) + 1, "hops p95 " + r.hopsP95());
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

  private static final double DUPLICATE_BOUND = 3;
}
