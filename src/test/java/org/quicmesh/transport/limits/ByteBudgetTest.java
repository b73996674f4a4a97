package org.quicmesh.transport.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ByteBudgetTest {
  @Test
  void aReservationThatDoesNotFitIsRefusedWhole() {
    ByteBudget budget = new ByteBudget(100);
    assertTrue(budget.tryReserve(60));
    assertFalse(budget.tryReserve(41));
    assertEquals(60, budget.inUse());
    assertTrue(budget.tryReserve(40));
    budget.release(100);
    assertEquals(0, budget.inUse());
  }

  @Test
  void releasingMoreThanReservedIsABugAndLeavesTheCountAlone() {
    ByteBudget budget = new ByteBudget(100);
    budget.tryReserve(10);
    assertThrows(IllegalStateException.class, () -> budget.release(11));
    assertEquals(10, budget.inUse());
  }

  @Test
  void concurrentReservationsNeverExceedTheCapacity() throws Exception {
    ByteBudget budget = new ByteBudget(1000);
    AtomicLong granted = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      threads.execute(() -> {
        for (int i = 0; i < 10_000; i++) {
          if (budget.tryReserve(7)) {
            granted.addAndGet(7);
          }
        }
      });
    }
    threads.shutdown();
    assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(granted.get(), budget.inUse());
    assertTrue(budget.inUse() <= 1000);
  }
}
