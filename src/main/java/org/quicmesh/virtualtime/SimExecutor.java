package org.quicmesh.virtualtime;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * A FIFO run queue that never runs anything by itself: runnables wait until the simulation driver
 * calls {@link #runNext()} on its own thread. Running every actor mailbox through this queue is
 * what makes a simulation single-threaded and therefore deterministic.
 *
 * <p>{@link #execute} is thread-safe so stray submissions from other threads are queued rather
 * than lost, but determinism only holds when everything is submitted from the driver thread.
 */
public final class SimExecutor implements Executor {

  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private long executed;

  @Override
  public void execute(Runnable command) {
    if (command == null) {
      throw new NullPointerException("command");
    }
    synchronized (queue) {
      queue.addLast(command);
    }
  }

  /** True when nothing is waiting to run. */
  public boolean isIdle() {
    synchronized (queue) {
      return queue.isEmpty();
    }
  }

  /**
   * Runs the oldest queued runnable on the calling thread.
   *
   * @return false if the queue was empty
   */
  public boolean runNext() {
    Runnable next;
    synchronized (queue) {
      next = queue.pollFirst();
    }
    if (next == null) {
      return false;
    }
    executed++;
    next.run();
    return true;
  }

  /**
   * Runs queued runnables, including ones they enqueue, until the queue is empty.
   *
   * @return how many runnables ran
   */
  public long drain() {
    long count = 0;
    while (runNext()) {
      count++;
    }
    return count;
  }

  /** Total runnables run so far; handy for progress and sanity checks. */
  public long executedCount() {
    return executed;
  }
}
