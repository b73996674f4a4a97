package org.quicmesh.transport.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.virtualtime.SimulationSystem;
import org.quicmesh.virtualtime.VirtualClock;

/** Same seed, same history; different seed, different history. */
class DeterminismTest {

  private static final int NODES = 6;
  private static final int MAX_HOPS = 40;

  sealed interface Msg permits Peers, Hop {}

  record Peers(List<ActorRef<Msg>> all) implements Msg {}

  record Hop(int id, int hop, String from) implements Msg {}

  private static Behavior<Msg> node(String name, Random random, List<String> log) {
    return Behaviors.setup(
        ctx -> {
          java.time.Clock clock = SimDriver.of(ctx.getSystem()).clock();
          List<ActorRef<Msg>> peers = new ArrayList<>();
          return Behaviors.receive(Msg.class)
              .onMessage(
                  Peers.class,
                  p -> {
                    peers.addAll(p.all());
                    return Behaviors.same();
                  })
              .onMessage(
                  Hop.class,
                  h -> {
                    log.add((clock.millis() - VirtualClock.ORIGIN.toEpochMilli()) + " " + name + " <- " + h);
                    if (h.hop() < MAX_HOPS) {
                      ActorRef<Msg> next = peers.get(random.nextInt(peers.size()));
                      Duration delay = Duration.ofMillis(random.nextInt(500));
                      ctx.scheduleOnce(delay, next, new Hop(h.id(), h.hop() + 1, name));
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static List<String> run(long seed) {
    List<String> log = new ArrayList<>();
    try (SimulationSystem<Void> sim =
        SimulationSystem.create(
            "determinism",
            seed,
            random ->
                Behaviors.<Void>setup(
                    ctx -> {
                      List<ActorRef<Msg>> nodes = new ArrayList<>();
                      for (int i = 0; i < NODES; i++) {
                        nodes.add(ctx.spawn(node("n" + i, random, log), "n" + i));
                      }
                      for (ActorRef<Msg> n : nodes) {
                        n.tell(new Peers(nodes));
                      }
                      // Three concurrent message walks starting at random nodes.
                      for (int id = 0; id < 3; id++) {
                        nodes.get(random.nextInt(NODES)).tell(new Hop(id, 0, "start"));
                      }
                      return Behaviors.empty();
                    }))) {
      sim.driver().runFor(Duration.ofSeconds(60));
      assertEquals(0, sim.driver().pendingTimers(), "every walk should have finished");
    }
    return log;
  }

  @Test
  void sameSeedSameLogDifferentSeedDifferentLog() {
    List<String> first = run(42L);
    List<String> second = run(42L);
    List<String> other = run(43L);

    assertEquals(3 * (MAX_HOPS + 1), first.size());
    assertFalse(first.isEmpty());
    assertEquals(first, second);
    assertNotEquals(first, other);
  }
}
