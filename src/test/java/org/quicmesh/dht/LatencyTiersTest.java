package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;

class LatencyTiersTest {
  private static final long T0 = 1_000_000_000L;
  private static final long HOUR = 3_600_000L;

  private final Random ids = new Random(7);

  private NodeId contact() {
    byte[] b = new byte[32];
    ids.nextBytes(b);
    return NodeId.of(b);
  }

  /** Adds {@code count} contacts of about {@code rtt} ms, 8 samples each with ±15 % jitter. */
  private List<NodeId> population(LatencyTiers tiers, double rtt, int count, Random jitter, long now) {
    List<NodeId> out = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      NodeId id = contact();
      for (int s = 0; s < 8; s++) {
        tiers.record(id, rtt * (0.85 + 0.3 * jitter.nextDouble()), now + s);
      }
      out.add(id);
    }
    return out;
  }

  @Test
  void defaultsComeFromReferenceConf() {
    TierSettings d = TierSettings.defaults();
    assertEquals(7, d.maxTiers());
    assertEquals(Duration.ofMinutes(5), d.tierInterval());
    assertEquals(Duration.ofHours(24), d.sampleMaxAge());
    assertEquals(1024, d.maxContacts());
  }

  @Test
  void contactsOfFiveTwentyFiveFiftyAndTwoHundredMillisecondsLandInFourOrderedTiers() {
    LatencyTiers tiers = new LatencyTiers(TierSettings.defaults());
    Random jitter = new Random(1);
    double[] rtts = {200, 5, 50, 25};
    List<List<NodeId>> groups = new ArrayList<>();
    for (double rtt : rtts) {
      groups.add(population(tiers, rtt, 6, jitter, T0));
    }
    TierModel model = tiers.recompute(new Random(3));
    assertEquals(4, model.tiers());
    int[] expectedTier = {3, 0, 2, 1};
    for (int g = 0; g < rtts.length; g++) {
      for (NodeId id : groups.get(g)) {
        assertEquals(expectedTier[g], tiers.tierOf(id), "contact of " + rtts[g] + " ms");
      }
    }
  }

  @Test
  void aSingleLatencyPopulationGivesOneTier() {
    LatencyTiers tiers = new LatencyTiers(TierSettings.defaults());
    List<NodeId> all = population(tiers, 40, 30, new Random(2), T0);
    TierModel model = tiers.recompute(new Random(3));
    assertEquals(1, model.tiers());
    for (NodeId id : all) {
      assertEquals(0, tiers.tierOf(id));
    }
  }

  @Test
  void tierCountIsLimitedByMaxTiers() {
    LatencyTiers tiers = new LatencyTiers(new TierSettings(2, Duration.ofMinutes(5), Duration.ofHours(24), 1024));
    Random jitter = new Random(1);
    for (double rtt : new double[] {5, 25, 50, 200}) {
      population(tiers, rtt, 5, jitter, T0);
    }
    assertEquals(2, tiers.recompute(new Random(3)).tiers());
  }

  @Test
  void rttIsTheMedianOfTheRecentWindow() {
    LatencyTiers tiers = new LatencyTiers(TierSettings.defaults());
    NodeId id = contact();
    for (double rtt : new double[] {900, 900, 10, 11, 12, 13, 14, 15, 16, 17}) {
      tiers.record(id, rtt, T0);
    }
    // The window keeps the last 8 samples (10..17): median 13.5, the two 900 ms outliers are gone.
    assertEquals(13.5, tiers.rttOf(id).orElseThrow());
    assertFalse(tiers.record(id, Double.NaN, T0));
    assertFalse(tiers.record(id, -1, T0));
    assertEquals(13.5, tiers.rttOf(id).orElseThrow());
  }

  @Test
  void samplesOlderThanTwentyFourHoursAreDropped() {
    LatencyTiers tiers = new LatencyTiers(TierSettings.defaults());
    NodeId stale = contact();
    NodeId mixed = contact();
    tiers.record(stale, 30, T0);
    tiers.record(mixed, 500, T0);
    tiers.record(mixed, 20, T0 + 2 * HOUR);
    assertEquals(0, tiers.prune(T0 + 24 * HOUR - 1));
    assertEquals(2, tiers.prune(T0 + 24 * HOUR));
    assertTrue(tiers.rttOf(stale).isEmpty());
    assertEquals(20.0, tiers.rttOf(mixed).orElseThrow());
    assertEquals(1, tiers.contactCount());
  }

  @Test
  void unknownContactsGetTheMiddleTier() {
    LatencyTiers tiers = new LatencyTiers(TierSettings.defaults());
    assertEquals(0, tiers.tierOf(contact()));
    Random jitter = new Random(1);
    for (double rtt : new double[] {5, 25, 50, 200}) {
      population(tiers, rtt, 5, jitter, T0);
    }
    tiers.recompute(new Random(3));
    assertEquals(2, tiers.tierOf(contact()));
  }

  @Test
  void theLeastRecentlySampledContactIsDroppedBeyondTheContactLimit() {
    LatencyTiers tiers = new LatencyTiers(new TierSettings(7, Duration.ofMinutes(5), Duration.ofHours(24), 2));
    NodeId a = contact();
    NodeId b = contact();
    NodeId c = contact();
    tiers.record(a, 10, T0);
    tiers.record(b, 10, T0 + 1);
    tiers.record(a, 10, T0 + 2);
    tiers.record(c, 10, T0 + 3);
    assertTrue(tiers.rttOf(a).isPresent());
    assertTrue(tiers.rttOf(b).isEmpty());
    assertTrue(tiers.rttOf(c).isPresent());
  }

  @Test
  void recomputeIsDeterministicForASeed() {
    LatencyTiers tiers = new LatencyTiers(TierSettings.defaults());
    Random values = new Random(11);
    for (int i = 0; i < 200; i++) {
      tiers.record(contact(), 20 + 180 * values.nextDouble(), T0);
    }
    assertEquals(tiers.recompute(new Random(5)), tiers.recompute(new Random(5)));
  }
}
