package org.quicmesh.transport.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.quicmesh.transport.limits.Permits.Verdict;

class PermitsTest {
  @Test
  void aKeyHoldsAtMostItsLimitAndReleasingMakesRoom() {
    Permits<String> permits = new Permits<>(2, 100);
    assertEquals(Verdict.GRANTED, permits.tryAcquire("a"));
    assertEquals(Verdict.GRANTED, permits.tryAcquire("a"));
    assertEquals(Verdict.OVER_KEY_LIMIT, permits.tryAcquire("a"));
    assertEquals(2, permits.held("a"));
    permits.release("a");
    assertEquals(Verdict.GRANTED, permits.tryAcquire("a"));
  }

  @Test
  void theTotalLimitsAllKeysTogetherAndARefusalTakesNothing() {
    Permits<String> permits = new Permits<>(10, 3);
    permits.tryAcquire("a");
    permits.tryAcquire("b");
    permits.tryAcquire("c");
    assertEquals(Verdict.OVER_TOTAL_LIMIT, permits.tryAcquire("d"));
    assertEquals(0, permits.held("d"));
    assertEquals(3, permits.inUse());
  }

  @Test
  void anExemptKeyIsLimitedByTheTotalOnly() {
    Permits<String> permits = new Permits<>(1, 3);
    assertEquals(Verdict.GRANTED, permits.tryAcquire("local", false));
    assertEquals(Verdict.GRANTED, permits.tryAcquire("local", false));
    assertEquals(Verdict.OVER_KEY_LIMIT, permits.tryAcquire("local"));
    assertEquals(Verdict.GRANTED, permits.tryAcquire("local", false));
    assertEquals(Verdict.OVER_TOTAL_LIMIT, permits.tryAcquire("local", false));
  }

  @Test
  void releasingAPermitNotHeldChangesNothing() {
    Permits<String> permits = new Permits<>(1, 1);
    permits.release("nobody");
    assertEquals(0, permits.inUse());
    permits.tryAcquire("a");
    permits.release("a");
    permits.release("a");
    assertEquals(0, permits.inUse());
    assertEquals(Verdict.GRANTED, permits.tryAcquire("b"));
  }
}
