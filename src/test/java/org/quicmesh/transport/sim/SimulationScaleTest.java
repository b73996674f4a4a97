package org.quicmesh.transport.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.quicmesh.virtualtime.SimulationSystem;

class SimulationScaleTest {

  private static final int ACTORS = 20_000;
  private static final int SECONDS = 60;

  private enum Tick {
    INSTANCE
  }

  private static Behavior<Tick> ticker(long[] ticks, Duration initialDelay) {
    return Behaviors.withTimers(
        timers -> {
          timers.startTimerWithFixedDelay(Tick.INSTANCE, initialDelay, Duration.ofSeconds(1));
          return Behaviors.receiveMessage(
              tick -> {
                ticks[0]++; // single-threaded: every actor runs on the driver thread
                return Behaviors.same();
              });
        });
  }

  @Test
  void twentyThousandPeriodicTimersForSixtyVirtualSeconds() {
    long[] ticks = {0};
    Behavior<Void> parent =
        Behaviors.setup(
            ctx -> {
              for (int i = 0; i < ACTORS; i++) {
                // Spread first ticks over the first second, as real peers would be.
                Duration initial = Duration.ofMillis(1 + i % 1000);
                ctx.spawn(ticker(ticks, initial), "ticker-" + i);
              }
              return Behaviors.empty();
            });

    long start = System.nanoTime(); // wall time of the test itself, not of simulated code
    try (SimulationSystem<Void> sim = SimulationSystem.create("scale", 7L, parent)) {
      long spawned = System.nanoTime();
      sim.driver().runFor(Duration.ofSeconds(SECONDS));
      System.out.printf(
          "spawn+start %d ms, %d timer firings %d ms%n",
          (spawned - start) / 1_000_000L,
          (long) ACTORS * SECONDS,
          (System.nanoTime() - spawned) / 1_000_000L);
      assertEquals(SECONDS * 1000L, sim.driver().nowMillis());
      assertEquals((long) ACTORS * SECONDS, ticks[0]);
    }
    long wallMillis = (System.nanoTime() - start) / 1_000_000L;
    System.out.printf(
        "%d actors x %d periodic timer firings: %d ms wall time%n", ACTORS, SECONDS, wallMillis);
    assertTrue(wallMillis < 60_000, "took " + wallMillis + " ms");
  }
}
