package org.quicmesh.virtualtime;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Drives a simulation: runs queued actor work on the calling thread and moves virtual time from
 * one scheduled instant to the next. Time only advances once every mailbox is empty, so all
 * consequences of a timer (message chains included) happen at the timer's virtual instant,
 * before any later timer fires.
 *
 * <p>Use it from one thread only — the thread that created the simulation.
 */
public final class SimDriver {

  private final VirtualTimeScheduler scheduler;
  private final SimExecutor executor;

  SimDriver(VirtualTimeScheduler scheduler) {
    this.scheduler = scheduler;
    this.executor = scheduler.executor();
  }

  /**
   * The driver of a system configured with {@link SimulationSystem#config()}.
   *
   * @throws IllegalArgumentException if the system does not run on virtual time
   */
  public static SimDriver of(ActorSystem<?> system) {
    Object scheduler = system.classicSystem().scheduler();
    if (!(scheduler instanceof VirtualTimeScheduler)) {
      throw new IllegalArgumentException(
          "actor system " + system.name() + " does not use " + VirtualTimeScheduler.class.getName());
    }
    return new SimDriver((VirtualTimeScheduler) scheduler);
  }

  /** The virtual clock to inject into protocol code. */
  public java.time.Clock clock() {
    return scheduler.clock();
  }

  /** Current virtual time in milliseconds since the simulation started. */
  public long nowMillis() {
    return scheduler.nowMillis();
  }

  /** Runs all queued work and every timer due at the current instant; time does not move. */
  public void runUntilIdle() {
    advanceToNanos(scheduler.nanoTime());
  }

  /**
   * Runs the simulation up to and including virtual instant {@code virtualMillis}, then leaves the
   * clock there.
   */
  public void advanceTo(long virtualMillis) {
    advanceToNanos(Math.multiplyExact(virtualMillis, 1_000_000L));
  }

  /** Runs the simulation for {@code duration} of virtual time. */
  public void runFor(Duration duration) {
    advanceToNanos(Math.addExact(scheduler.nanoTime(), duration.toNanos()));
  }

  /**
   * Runs instant by instant until {@code condition} holds (checked whenever the system is idle) or
   * {@code maxVirtual} has elapsed.
   *
   * @return whether the condition held
   */
  public boolean runUntil(BooleanSupplier condition, Duration maxVirtual) {
    Objects.requireNonNull(condition, "condition");
    long limit = Math.addExact(scheduler.nanoTime(), maxVirtual.toNanos());
    while (true) {
      executor.drain();
      if (condition.getAsBoolean()) {
        return true;
      }
      long next = scheduler.nextDueNanos();
      if (next > limit) {
        scheduler.advanceAndFire(limit);
        return false;
      }
      scheduler.advanceAndFire(Math.max(next, scheduler.nanoTime()));
    }
  }

  /** Live timers still pending; useful to assert a scenario has quiesced. */
  public int pendingTimers() {
    return scheduler.pendingCount();
  }

  private void advanceToNanos(long limit) {
    if (limit < scheduler.nanoTime()) {
      throw new IllegalArgumentException("cannot move virtual time backwards");
    }
    while (true) {
      executor.drain();
      long next = scheduler.nextDueNanos();
      if (next > limit) {
        break;
      }
      // next may equal now: zero-delay tasks scheduled during the drain fire at this same instant.
      scheduler.advanceAndFire(Math.max(next, scheduler.nanoTime()));
    }
    scheduler.advanceAndFire(limit);
    executor.drain();
  }
}
