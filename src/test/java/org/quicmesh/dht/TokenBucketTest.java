package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

  @Test
  void startsFullAndAllowsABurstOfItsCapacity() {
    TokenBucket b = TokenBucket.perMinute(20, 0);
    for (int i = 0; i < 20; i++) {
      assertTrue(b.tryTake(0));
    }
    assertFalse(b.tryTake(0));
  }

  @Test
  void refillsContinuouslyAndNeverAboveCapacity() {
    TokenBucket b = TokenBucket.perMinute(20, 0);
    for (int i = 0; i < 20; i++) {
      b.tryTake(0);
    }
    assertEquals(0.5, b.available(1_500), 1e-9);
    assertTrue(b.tryTake(3_000));
    assertFalse(b.isFull(3_000));
    assertTrue(b.isFull(3_000 + 60_000));
    assertEquals(20, b.available(10 * 60_000), 1e-9);
  }

  @Test
  void aClockGoingBackwardsGrantsNothing() {
    TokenBucket b = TokenBucket.perMinute(1, 60_000);
    assertTrue(b.tryTake(60_000));
    assertFalse(b.tryTake(0));
    assertFalse(b.tryTake(60_000));
    assertTrue(b.tryTake(120_000));
  }
}
