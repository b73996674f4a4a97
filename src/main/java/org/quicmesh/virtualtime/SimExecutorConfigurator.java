package org.quicmesh.virtualtime;

import com.typesafe.config.Config;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * Dispatcher executor that runs actors on the simulation's {@link SimExecutor}, i.e. only when the
 * {@link SimDriver} pumps. Use it as {@code executor = "org.quicmesh.virtualtime.SimExecutorConfigurator"}
 * in any dispatcher config; it requires {@link VirtualTimeScheduler} as the system's scheduler,
 * because that scheduler owns the executor.
 */
public final class SimExecutorConfigurator extends ExecutorServiceConfigurator {

  private final SimExecutor executor;

  /** Constructor signature required by Pekko for executor configurators. */
  public SimExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    Scheduler scheduler = prerequisites.scheduler();
    if (!(scheduler instanceof VirtualTimeScheduler)) {
      throw new IllegalStateException(
          "SimExecutorConfigurator needs pekko.scheduler.implementation = "
              + VirtualTimeScheduler.class.getName()
              + ", got "
              + scheduler.getClass().getName());
    }
    this.executor = ((VirtualTimeScheduler) scheduler).executor();
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
    return () -> new ExecutorServiceView(executor);
  }
}
