package org.quicmesh.virtualtime;

import com.typesafe.config.Config;
import java.io.Closeable;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.actor.SchedulerException;
import org.apache.pekko.event.LoggingAdapter;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * A Pekko {@link Scheduler} that runs on virtual time: nothing fires until a {@link SimDriver}
 * advances the clock. Install it with {@code pekko.scheduler.implementation}; Pekko instantiates
 * it reflectively through the {@code (Config, LoggingAdapter, ThreadFactory)} constructor.
 *
 * <p>Pending tasks live in a priority queue ordered by (due time, insertion sequence), so firing
 * is O(log n) per task and ties resolve deterministically. No thread is ever started.
 *
 * <p>Each scheduler owns the {@link SimExecutor} that {@link SimExecutorConfigurator} hands to the
 * system's dispatchers; Pekko passes the scheduler to dispatcher configurators, which is how the
 * two meet without any global registry.
 */
public final class VirtualTimeScheduler implements Scheduler, Closeable {

  /** Advertised tick rate: 1 ms. Virtual time itself is kept in nanoseconds. */
  private static final double MAX_FREQUENCY = 1000.0;
  /** Purge cancelled entries only when they are both numerous and the majority. */
  private static final int PURGE_THRESHOLD = 1024;

  private final PriorityQueue<ScheduledTask> pending = new PriorityQueue<>();
  private final SimExecutor executor = new SimExecutor();
  private final VirtualClock clock = new VirtualClock(this);
  private long nowNanos;
  private long nextSequence;
  private int cancelledInQueue;
  private boolean closed;

  /** Constructor signature required by {@code pekko.scheduler.implementation}. */
  public VirtualTimeScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
    // Config, log and thread factory are deliberately unused: virtual time needs no thread.
    StartupBlockContext.attachIfCurrent(executor);
  }

  /** The run queue all dispatchers of this scheduler's actor system share. */
  public SimExecutor executor() {
    return executor;
  }

  /** A {@code java.time.Clock} reading this scheduler's virtual time. */
  public java.time.Clock clock() {
    return clock;
  }

  /** Virtual nanoseconds since the simulation started. */
  public synchronized long nanoTime() {
    return nowNanos;
  }

  /** Virtual milliseconds since the simulation started. */
  public long nowMillis() {
    return nanoTime() / 1_000_000L;
  }

  // ---- Pekko Scheduler API (the three abstract members; default methods build on these) ----

  @Override
  public Cancellable scheduleOnce(
      FiniteDuration delay, Runnable runnable, ExecutionContext executor) {
    return enqueue(runnable, executor, delay.toNanos(), 0L);
  }

  @Override
  public Cancellable schedule(
      FiniteDuration initialDelay,
      FiniteDuration interval,
      Runnable runnable,
      ExecutionContext executor) {
    return enqueue(runnable, executor, initialDelay.toNanos(), positive(interval));
  }

  /**
   * Native fixed delay. Because a virtual-time task always fires exactly at its due instant,
   * fixed delay and fixed rate coincide; overriding avoids Pekko's default, which re-schedules a
   * fresh one-shot task after every run.
   */
  @Override
  public Cancellable scheduleWithFixedDelay(
      FiniteDuration initialDelay,
      FiniteDuration delay,
      Runnable runnable,
      ExecutionContext executor) {
    return enqueue(runnable, executor, initialDelay.toNanos(), positive(delay));
  }

  @Override
  public double maxFrequency() {
    return MAX_FREQUENCY;
  }

  /** Drops every pending task; Pekko calls this when the actor system terminates. */
  @Override
  public synchronized void close() {
    closed = true;
    pending.clear();
    cancelledInQueue = 0;
  }

  // ---- driver-facing operations (package-private: only SimDriver moves time) ----

  /** Due time of the earliest live task, or {@link Long#MAX_VALUE} if none is pending. */
  synchronized long nextDueNanos() {
    ScheduledTask head = pending.peek();
    while (head != null && head.isCancelled()) {
      pending.poll();
      cancelledInQueue--;
      head = pending.peek();
    }
    return head == null ? Long.MAX_VALUE : head.dueNanos;
  }

  /** Number of live pending tasks. */
  public synchronized int pendingCount() {
    return pending.size() - cancelledInQueue;
  }

  /**
   * Moves the clock to {@code targetNanos} and fires every live task that was already pending and
   * is due at or before it, in (due, sequence) order. Tasks scheduled by the fired ones (even with
   * zero delay) wait for the next call, so the driver can drain mailboxes in between.
   *
   * @return how many tasks fired
   */
  int advanceAndFire(long targetNanos) {
    int fired = 0;
    long boundary;
    synchronized (this) {
      if (targetNanos < nowNanos) {
        throw new IllegalArgumentException("virtual time cannot go backwards");
      }
      nowNanos = targetNanos;
      boundary = nextSequence;
    }
    while (true) {
      ScheduledTask task;
      synchronized (this) {
        task = pending.peek();
        if (task == null || task.dueNanos > nowNanos || task.sequence >= boundary) {
          return fired;
        }
        pending.poll();
        if (task.isCancelled()) {
          cancelledInQueue--;
          continue;
        }
        if (task.isRepeating()) {
          reinsert(task, saturatedAdd(task.dueNanos, task.periodNanos()));
        } else {
          task.markFired();
        }
      }
      // Fire outside the lock: a parasitic executor runs the task inline and it may reschedule.
      task.fire();
      fired++;
    }
  }

  synchronized void onCancelled(ScheduledTask task) {
    cancelledInQueue++;
    if (cancelledInQueue > PURGE_THRESHOLD && cancelledInQueue * 2 > pending.size()) {
      // Lazy deletion keeps cancel O(1); purge now and then so cancelled timers don't pile up.
      pending.removeIf(ScheduledTask::isCancelled);
      cancelledInQueue = 0;
    }
  }

  private synchronized Cancellable enqueue(
      Runnable runnable, ExecutionContext ec, long delayNanos, long periodNanos) {
    if (closed) {
      throw new SchedulerException("cannot enqueue after timer shutdown");
    }
    ScheduledTask task = new ScheduledTask(this, runnable, ec, periodNanos);
    reinsert(task, saturatedAdd(nowNanos, Math.max(0L, delayNanos)));
    return task;
  }

  private void reinsert(ScheduledTask task, long dueNanos) {
    task.dueNanos = dueNanos;
    task.sequence = nextSequence++;
    pending.add(task);
  }

  private static long positive(FiniteDuration interval) {
    long nanos = interval.toNanos();
    if (nanos <= 0) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
    return nanos;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
