package org.quicmesh.virtualtime;

import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.SchedulerException;
import scala.concurrent.ExecutionContext;

/**
 * One pending entry of a {@link VirtualTimeScheduler}. Ordered by due time, then by insertion
 * sequence, so tasks due at the same virtual instant fire in the order they were scheduled.
 */
final class ScheduledTask implements Cancellable, Comparable<ScheduledTask> {

  private final VirtualTimeScheduler owner;
  private final Runnable runnable;
  private final ExecutionContext executor;
  /** Period in nanos; 0 for one-shot tasks. */
  private final long periodNanos;
  long dueNanos;
  long sequence;
  /** Guarded by {@code owner}. */
  private State state = State.PENDING;

  private enum State {
    PENDING,
    FIRED,
    CANCELLED
  }

  ScheduledTask(
      VirtualTimeScheduler owner, Runnable runnable, ExecutionContext executor, long periodNanos) {
    this.owner = owner;
    this.runnable = runnable;
    this.executor = executor;
    this.periodNanos = periodNanos;
  }

  boolean isRepeating() {
    return periodNanos > 0;
  }

  long periodNanos() {
    return periodNanos;
  }

  /** Called under the owner's lock when a one-shot task leaves the queue to fire. */
  void markFired() {
    state = State.FIRED;
  }

  /** Hands the task to its execution context; for actor timers that is a mailbox enqueue. */
  void fire() {
    executor.execute(this::runGuarded);
  }

  private void runGuarded() {
    if (isCancelled()) {
      return; // cancelled between firing and running on an asynchronous executor
    }
    try {
      runnable.run();
    } catch (SchedulerException e) {
      // Pekko's ActorRef-based variants throw this to stop a task whose target has terminated.
      cancel();
    }
  }

  @Override
  public boolean cancel() {
    synchronized (owner) {
      if (state != State.PENDING) {
        return false; // like Pekko: a fired one-shot task can no longer be cancelled
      }
      state = State.CANCELLED;
      owner.onCancelled(this);
      return true;
    }
  }

  @Override
  public boolean isCancelled() {
    synchronized (owner) {
      return state == State.CANCELLED;
    }
  }

  @Override
  public int compareTo(ScheduledTask other) {
    int byTime = Long.compare(dueNanos, other.dueNanos);
    return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
  }
}
