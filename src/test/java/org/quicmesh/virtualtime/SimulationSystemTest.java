package org.quicmesh.virtualtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

class SimulationSystemTest {

  /** Guardian messages for the timer scenario. */
  sealed interface Cmd permits Tick, Pong, Ping {}

  record Tick() implements Cmd {}

  record Ping(int hop, ActorRef<Cmd> replyTo) implements Cmd {}

  record Pong(int hop) implements Cmd {}

  @Test
  void startsRunsOnTheDriverThreadAndTerminates() {
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    Behavior<String> guardian =
        Behaviors.receive(String.class)
            .onAnyMessage(
                msg -> {
                  threads.add(Thread.currentThread());
                  return Behaviors.same();
                })
            .build();
    SimulationSystem<String> sim = SimulationSystem.create("smoke", 1L, guardian);
    sim.system().tell("hello");
    sim.driver().runUntilIdle();
    assertEquals(Set.of(Thread.currentThread()), threads);
    // Pekko names its threads "<system>-..."; virtual time must not have started any.
    assertTrue(
        Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("smoke-")),
        "no Pekko threads expected");
    sim.terminate();
    assertTrue(sim.system().whenTerminated().isCompleted());
  }

  @Test
  void cancelledTypedTimerNeverFires() {
    List<String> log = new ArrayList<>();
    Behavior<String> guardian =
        Behaviors.withTimers(
            timers -> {
              timers.startSingleTimer("fire", "fire", Duration.ofMillis(100));
              return Behaviors.receive(String.class)
                  .onMessageEquals(
                      "cancel",
                      () -> {
                        timers.cancel("fire");
                        return Behaviors.same();
                      })
                  .onAnyMessage(
                      msg -> {
                        log.add(msg);
                        return Behaviors.same();
                      })
                  .build();
            });
    try (SimulationSystem<String> sim = SimulationSystem.create("cancel", 1L, guardian)) {
      sim.driver().advanceTo(50);
      sim.system().tell("cancel");
      sim.driver().runFor(Duration.ofSeconds(1));
      assertEquals(List.of(), log);
      assertEquals(0, sim.driver().pendingTimers());
    }
  }

  /**
   * Every tick, the guardian sends Ping(1) to a peer; the peer answers Pong(hop), the guardian
   * pings again until hop 3. All of it must happen at the tick's instant, before the next tick.
   */
  @Test
  void timerMessagesAreFullyProcessedBeforeTheClockMoves() {
    List<String> log = new ArrayList<>();
    Behavior<Cmd> peer =
        Behaviors.setup(
            ctx -> {
              java.time.Clock clock = SimDriver.of(ctx.getSystem()).clock();
              return Behaviors.receive(Cmd.class)
                  .onMessage(
                      Ping.class,
                      p -> {
                        log.add("ping" + p.hop() + "@" + (clock.millis() - VirtualClock.ORIGIN.toEpochMilli()));
                        p.replyTo().tell(new Pong(p.hop()));
                        return Behaviors.same();
                      })
                  .build();
            });
    Behavior<Cmd> guardian =
        Behaviors.setup(
            ctx -> {
              java.time.Clock clock = SimDriver.of(ctx.getSystem()).clock();
              ActorRef<Cmd> other = ctx.spawn(peer, "peer");
              return Behaviors.withTimers(
                  timers -> {
                    timers.startTimerWithFixedDelay("tick", new Tick(), Duration.ofMillis(100));
                    timers.startSingleTimer("once", new Tick(), Duration.ofMillis(250));
                    return Behaviors.receive(Cmd.class)
                        .onMessage(
                            Tick.class,
                            t -> {
                              log.add("tick@" + (clock.millis() - VirtualClock.ORIGIN.toEpochMilli()));
                              other.tell(new Ping(1, ctx.getSelf()));
                              return Behaviors.same();
                            })
                        .onMessage(
                            Pong.class,
                            p -> {
                              log.add("pong" + p.hop() + "@" + (clock.millis() - VirtualClock.ORIGIN.toEpochMilli()));
                              if (p.hop() < 3) {
                                other.tell(new Ping(p.hop() + 1, ctx.getSelf()));
                              }
                              return Behaviors.same();
                            })
                        .build();
                  });
            });
    try (SimulationSystem<Cmd> sim = SimulationSystem.create("timers", 1L, guardian)) {
      sim.driver().advanceTo(300);
      List<String> expected = new ArrayList<>();
      for (long at : new long[] {100, 200, 250, 300}) {
        expected.add("tick@" + at);
        for (int hop = 1; hop <= 3; hop++) {
          expected.add("ping" + hop + "@" + at);
          expected.add("pong" + hop + "@" + at);
        }
      }
      assertEquals(expected, log);
    }
  }
}
