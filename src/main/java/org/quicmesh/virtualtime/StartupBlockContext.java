package org.quicmesh.virtualtime;

import scala.Function0;
import scala.concurrent.BlockContext;
import scala.concurrent.CanAwait;

/**
 * Lets actor-system start-up block without dead-locking the simulation.
 *
 * <p>Pekko's start-up calls {@code Await.result} on the creating thread until each logger actor
 * confirms initialisation, and that needs the system guardian to run. In a simulation the guardian
 * only runs when the driver thread pumps the {@link SimExecutor} — the very thread that is
 * blocked. {@code Await} consults the thread's {@link BlockContext} first, so while
 * {@link SimulationSystem} creates the system this context drains the run queue before blocking.
 *
 * <p>It also carries the executor from the reflectively created {@link VirtualTimeScheduler} to
 * this thread without a global registry: the scheduler's constructor runs on the creating thread
 * and {@linkplain #attachIfCurrent attaches} its executor to the current block context.
 */
final class StartupBlockContext implements BlockContext {

  private SimExecutor executor;

  /** Called by the scheduler's constructor; a no-op outside {@link SimulationSystem#create}. */
  static void attachIfCurrent(SimExecutor executor) {
    if (BlockContext.current() instanceof StartupBlockContext context) {
      context.executor = executor;
    }
  }

  /** Runs {@code body} with this context installed on the current thread. */
  <T> T run(Function0<T> body) {
    return BlockContext.withBlockContext(this, body);
  }

  @Override
  public <T> T blockOn(Function0<T> thunk, CanAwait permission) {
    if (executor != null) {
      executor.drain(); // usually completes what is being awaited, so the thunk returns at once
    }
    return thunk.apply();
  }
}
