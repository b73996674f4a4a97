package org.quicmesh.virtualtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.dispatch.ExecutionContexts;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

class VirtualTimeSchedulerTest {

  private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler(null, null, null);
  private final SimDriver driver = new SimDriver(scheduler);
  private final ExecutionContext inline = ExecutionContexts.fromExecutor((Executor) Runnable::run);
  private final List<String> log = new ArrayList<>();

  private static FiniteDuration ms(long millis) {
    return FiniteDuration.create(millis, "ms");
  }

  private Runnable record(String name) {
    return () -> log.add(name + "@" + scheduler.nowMillis());
  }

  @Test
  void timersFireInVirtualTimeOrderAtTheirInstant() {
    scheduler.scheduleOnce(ms(300), record("c"), inline);
    scheduler.scheduleOnce(ms(100), record("a"), inline);
    scheduler.scheduleOnce(ms(200), record("b1"), inline);
    scheduler.scheduleOnce(ms(200), record("b2"), inline); // same instant: insertion order

    driver.advanceTo(250);
    assertEquals(List.of("a@100", "b1@200", "b2@200"), log);
    assertEquals(250, driver.nowMillis());

    driver.runFor(Duration.ofSeconds(1));
    assertEquals(List.of("a@100", "b1@200", "b2@200", "c@300"), log);
    assertEquals(1250, driver.nowMillis());
  }

  @Test
  void cancelledTimersNeverFire() {
    Cancellable doomed = scheduler.scheduleOnce(ms(100), record("doomed"), inline);
    scheduler.scheduleOnce(ms(50), () -> doomed.cancel(), inline);
    Cancellable early = scheduler.scheduleOnce(ms(10), record("early"), inline);
    assertTrue(early.cancel());
    assertFalse(early.cancel());
    assertTrue(early.isCancelled());

    driver.runFor(Duration.ofSeconds(1));
    assertEquals(List.of(), log);
    assertTrue(doomed.isCancelled());
    assertEquals(0, driver.pendingTimers());
  }

  @Test
  void firedOneShotCannotBeCancelled() {
    Cancellable once = scheduler.scheduleOnce(ms(10), record("once"), inline);
    driver.advanceTo(10);
    assertFalse(once.cancel());
    assertFalse(once.isCancelled());
  }

  @Test
  void repeatingTimerFiresOncePerPeriod() {
    Cancellable rate = scheduler.scheduleAtFixedRate(ms(100), ms(100), record("r"), inline);
    Cancellable delay = scheduler.scheduleWithFixedDelay(ms(0), ms(250), record("d"), inline);

    driver.advanceTo(1000);
    long rateFires = log.stream().filter(s -> s.startsWith("r@")).count();
    assertEquals(10, rateFires);
    assertEquals(
        List.of("d@0", "d@250", "d@500", "d@750", "d@1000"),
        log.stream().filter(s -> s.startsWith("d@")).toList());

    rate.cancel();
    delay.cancel();
    log.clear();
    driver.runFor(Duration.ofSeconds(10));
    assertEquals(List.of(), log);
  }

  @Test
  void zeroDelayTaskScheduledByATaskRunsAfterQueuedWorkAtTheSameInstant() {
    SimExecutor executor = scheduler.executor();
    scheduler.scheduleOnce(
        ms(5),
        () -> {
          log.add("timer@" + scheduler.nowMillis());
          executor.execute(record("queued"));
          scheduler.scheduleOnce(ms(0), record("zero"), inline);
        },
        inline);
    driver.advanceTo(5);
    assertEquals(List.of("timer@5", "queued@5", "zero@5"), log);
  }

  @Test
  void manyTimersAreCheap() {
    int[] count = {0};
    for (int i = 0; i < 20_000; i++) {
      scheduler.scheduleWithFixedDelay(ms(1 + i % 1000), ms(1000), () -> count[0]++, inline);
    }
    driver.runFor(Duration.ofSeconds(60));
    assertEquals(20_000 * 60, count[0]);
  }
}
