package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AdaptiveAlphaTest {
  private static AdaptiveAlpha alpha() {
    return new AdaptiveAlpha(2, 5, 3, 16);
  }

  @Test
  void startsAtTheInitialValue() {
    assertEquals(3, alpha().current());
  }

  @Test
  void cleanLookupsKeepTheInitialAlpha() {
    AdaptiveAlpha a = alpha();
    a.record(30, 0, true);
    assertEquals(3, a.current());
  }

  @Test
  void theMinimumIsAFloorWhenTheInitialAlphaSitsOnIt() {
    AdaptiveAlpha a = new AdaptiveAlpha(2, 5, 2, 16);
    a.record(30, 0, true);
    assertEquals(2, a.current());
  }

  @Test
  void timeoutsRaiseAlpha() {
    AdaptiveAlpha a = alpha();
    for (int i = 0; i < 16; i++) {
      a.record(30, 6, true); // 20 % of RPCs time out: 3 / 0.8 -> 4
    }
    assertEquals(4, a.current());
    for (int i = 0; i < 16; i++) {
      a.record(30, 9, true); // 30 %, as with 30 % dead nodes: 3 / 0.7 -> 5
    }
    assertEquals(5, a.current());
  }

  @Test
  void heavyFailureSaturatesAtTheMaximum() {
    AdaptiveAlpha a = alpha();
    for (int i = 0; i < 16; i++) {
      a.record(30, 27, true);
    }
    assertEquals(5, a.current());
  }

  @Test
  void failedLookupsRaiseAlphaEvenWithFewFailedRpcs() {
    AdaptiveAlpha a = alpha();
    for (int i = 0; i < 16; i++) {
      a.record(2, 0, i % 4 != 0); // a quarter of the lookups reach nobody: 3 / 0.75 -> 4
    }
    assertEquals(4, a.current());
  }

  @Test
  void alphaDecaysBackToTheInitialValueOnceCleanLookupsFillTheWindow() {
    AdaptiveAlpha a = alpha();
    for (int i = 0; i < 16; i++) {
      a.record(30, 27, false);
    }
    assertEquals(5, a.current());
    int previous = a.current();
    for (int i = 0; i < 16; i++) {
      a.record(30, 0, true);
      assertTrue(a.current() <= previous, "alpha never rises on clean lookups");
      previous = a.current();
    }
    assertEquals(3, a.current());
    assertEquals(0.0, a.failureSignal());
  }

  @Test
  void alphaStaysWithinItsBoundsWhateverHappens() {
    AdaptiveAlpha a = alpha();
    Random rnd = new Random(7);
    for (int i = 0; i < 2000; i++) {
      int messages = rnd.nextInt(60);
      a.record(messages, messages == 0 ? 0 : rnd.nextInt(messages + 1), rnd.nextBoolean());
      assertTrue(a.current() >= 2 && a.current() <= 5, "alpha " + a.current());
    }
  }

  @Test
  void recordsALookupResult() {
    AdaptiveAlpha a = alpha();
    LookupStats stats = new LookupStats(3, 10, 5, 2, 3, 0, 0, 0, 100);
    a.record(new LookupResult(org.quicmesh.identity.NodeId.of(new byte[32]), java.util.List.of(), java.util.List.of(),
        java.util.Optional.empty(), java.util.Optional.empty(), stats));
    assertEquals(1.0, a.failureSignal(), "a lookup that reached nobody counts as failed");
    assertEquals(5, a.current());
  }

  @Test
  void rejectsInconsistentNumbersAndBounds() {
    assertThrows(IllegalArgumentException.class, () -> alpha().record(3, 4, true));
    assertThrows(IllegalArgumentException.class, () -> alpha().record(-1, 0, true));
    assertThrows(IllegalArgumentException.class, () -> new AdaptiveAlpha(3, 2, 3, 8));
    assertThrows(IllegalArgumentException.class, () -> new AdaptiveAlpha(2, 5, 6, 8));
  }
}
