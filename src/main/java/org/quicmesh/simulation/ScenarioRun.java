package org.quicmesh.simulation;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.quicmesh.virtualtime.SimDriver;

/**
 * The loop every scenario's {@code run} drives its simulation with: run virtual time a step at a time until the
 * scenario is done, reporting progress after each step, and give up past a virtual-time limit or when the step says
 * nothing is left to run.
 */
final class ScenarioRun {

  /** One step of virtual time; false when the simulation has nothing left to run. */
  @FunctionalInterface
  interface Step {
    boolean advance(SimDriver driver);
  }

  private ScenarioRun() {}

  /** Steps of {@code length} whatever is pending (a scenario's own timers end it). */
  static Step fixed(Duration length) {
    return driver -> {
      driver.runFor(length);
      return true;
    };
  }

  /** Steps of at most {@code length} that end the run once no work and no timer is left. */
  static Step untilQuiet(Duration length) {
    return driver -> driver.runUntil(() -> false, length) || driver.pendingTimers() > 0;
  }

  /**
   * Runs {@code step} after step until {@code done} holds, reporting {@code status} to {@code progress} after each.
   *
   * @param limit virtual time since the simulation started after which the run stops
   * @return whether the scenario finished (false: the limit passed, or the step found nothing left to run)
   */
  static boolean until(SimDriver driver, BooleanSupplier done, Step step, Duration limit, Progress progress,
      Supplier<Progress.Status> status) {
    while (!done.getAsBoolean()) {
      boolean more = step.advance(driver);
      progress.report(status.get(), driver.nowMillis());
      if (!more || driver.nowMillis() > limit.toMillis()) {
        return done.getAsBoolean();
      }
    }
    return true;
  }
}
