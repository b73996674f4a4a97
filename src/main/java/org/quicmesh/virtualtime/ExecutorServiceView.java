package org.quicmesh.virtualtime;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The {@link java.util.concurrent.ExecutorService} a Pekko dispatcher gets: a per-dispatcher view
 * over a shared {@link Executor}. Pekko shuts a dispatcher's executor down when the dispatcher has
 * been idle for its {@code shutdown-timeout}; since several dispatchers share one run queue, that
 * shutdown only retires this view and never touches the queue itself.
 */
final class ExecutorServiceView extends AbstractExecutorService {

  private final Executor target;
  private volatile boolean shutdown;

  ExecutorServiceView(Executor target) {
    this.target = target;
  }

  @Override
  public void execute(Runnable command) {
    // Accepted even after shutdown: Pekko replaces the view, but late stragglers must not be lost.
    target.execute(command);
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return Collections.emptyList();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return shutdown; // nothing runs in the background, so there is nothing to wait for
  }
}
