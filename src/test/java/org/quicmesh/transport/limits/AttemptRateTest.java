package org.quicmesh.transport.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quicmesh.nat.ManualClock;

class AttemptRateTest {
  private final ManualClock clock = new ManualClock();

  @Test
  void aSourceGetsItsRateEachSecondAndNoMore() {
    AttemptRate<String> rate = new AttemptRate<>(3, 100, clock);
    for (int i = 0; i < 3; i++) {
      assertTrue(rate.tryAttempt("a"));
    }
    assertFalse(rate.tryAttempt("a"));
    clock.advanceMillis(999);
    assertFalse(rate.tryAttempt("a"), "still the same one-second window");
    clock.advanceMillis(1);
    assertTrue(rate.tryAttempt("a"), "a new window starts over");
  }

  @Test
  void oneSourceOverItsRateLeavesOthersUnaffected() {
    AttemptRate<String> rate = new AttemptRate<>(2, 100, clock);
    for (int i = 0; i < 50; i++) {
      rate.tryAttempt("flooder");
    }
    assertTrue(rate.tryAttempt("honest"));
    assertTrue(rate.tryAttempt("honest"));
  }

  @Test
  void theTableIsBoundedAndForgottenEachWindow() {
    AttemptRate<Integer> rate = new AttemptRate<>(5, 10, clock);
    for (int i = 0; i < 10; i++) {
      assertTrue(rate.tryAttempt(i));
    }
    assertFalse(rate.tryAttempt(10), "a new source beyond the tracked maximum is refused");
    assertTrue(rate.tryAttempt(3), "tracked sources keep their rate");
    assertEquals(10, rate.trackedKeys());
    clock.advanceMillis(1000);
    assertTrue(rate.tryAttempt(10));
    assertEquals(1, rate.trackedKeys());
  }
}
