package org.quicmesh.transport.sim;

import com.typesafe.config.Config;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * Dispatcher executor that runs work immediately on the submitting thread. Used for Pekko's logger
 * actors in a simulation: actor-system start-up blocks in {@code Await.result} until each logger
 * answers its init message, which would dead-lock if the logger waited in the {@link SimExecutor}
 * queue for a driver that is itself blocked. Running inline also keeps logging on the driver thread.
 */
public final class CallingThreadExecutorConfigurator extends ExecutorServiceConfigurator {

  /** Constructor signature required by Pekko for executor configurators. */
  public CallingThreadExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
    return () -> new ExecutorServiceView(Runnable::run);
  }
}
