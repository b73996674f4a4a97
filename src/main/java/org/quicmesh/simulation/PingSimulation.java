package org.quicmesh.simulation;

import java.time.Duration;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.PeerTarget;
import org.quicmesh.node.Pong;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.virtualtime.SimulationSystem;

/**
 * The transport-level scenario: N nodes on a simulated network, each pinging a random other node every interval,
 * in virtual time. Proves the simulator scales and is deterministic; reports RTTs as the nodes measured them.
 */
public final class PingSimulation {

  public record Settings(int nodes, Duration duration, Duration interval, String latency, long seed) {}

  public record Result(int nodes, long virtualSeconds, long pingsSent, long pingsOk, long pingsFailed,
      double rttMsP50, double rttMsP95, double rttMsMax, long heapBytesPerNode, double wallS, String digest) {}

  private static final class Tally {
    long sent;
    long ok;
    long failed;
    long digest = 17;
    final Percentiles rtts = new Percentiles();
  }

  private sealed interface Msg {}

  private enum Tick implements Msg { INSTANCE }

  private record Answer(StatusReply<Pong> reply) implements Msg {}

  private PingSimulation() {}

  public static Result run(Settings settings, Consumer<String> progress) {
    long heapBefore = Heap.used();
    long wallStart = System.nanoTime();
    Tally tally = new Tally();
    try (SimulationSystem<Msg> sim = SimulationSystem.create("ping-sim", settings.seed(),
        random -> scenario(settings, random, tally))) {
      long seconds = settings.duration().toSeconds();
      long endMillis = sim.driver().nowMillis() + seconds * 1000;
      ScenarioRun.until(sim.driver(), () -> sim.driver().nowMillis() >= endMillis,
          driver -> {
            driver.runFor(Duration.ofMillis(Math.min(10_000, endMillis - driver.nowMillis())));
            return true;
          }, Duration.ofMillis(endMillis), Progress.to(progress),
          () -> Progress.Status.of("ping", sim.driver().nowMillis() / 1000, seconds)
              .with(String.format("%d pings, %d ok, %d failed", tally.sent, tally.ok, tally.failed)));
      long heapPerNode = Math.max(0, Heap.used() - heapBefore) / settings.nodes();
      // Let the pings still in flight finish so counts add up.
      sim.driver().runFor(Duration.ofSeconds(10));
      double wall = (System.nanoTime() - wallStart) / 1e9;
      return new Result(settings.nodes(), seconds, tally.sent, tally.ok, tally.failed,
          tally.rtts.percentile(50), tally.rtts.percentile(95), tally.rtts.max(), heapPerNode, wall,
          Long.toHexString(tally.digest));
    }
  }

  private static Behavior<Msg> scenario(Settings settings, Random random, Tally tally) {
    return Behaviors.setup(ctx -> {
      var clock = SimDriver.of(ctx.getSystem()).clock();
      SimNetwork network = SimulatedMesh.network(ctx, clock, settings.latency(), settings.seed());
      SimulatedMesh mesh = SimulatedMesh.spawn(ctx, network, settings.nodes(), MeshConfig.load(), clock, random);
      @SuppressWarnings({"unchecked", "rawtypes"})
      ActorRef<StatusReply<Pong>> answers =
          ctx.messageAdapter((Class<StatusReply<Pong>>) (Class) StatusReply.class, Answer::new);
      long stopAt = clock.millis() + settings.duration().toMillis();
      return Behaviors.withTimers(timers -> {
        timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, settings.interval());
        return Behaviors.receive(Msg.class)
            .onMessageEquals(Tick.INSTANCE, () -> {
              if (clock.millis() >= stopAt) {
                timers.cancelAll();
                return Behaviors.same();
              }
              for (int i = 0; i < mesh.size(); i++) {
                int j = random.nextInt(mesh.size() - 1);
                SimulatedMesh.Member target = mesh.member(j >= i ? j + 1 : j);
                mesh.member(i).node().tell(new MeshNode.Ping(PeerTarget.of(target.address()), answers));
                tally.sent++;
              }
              return Behaviors.same();
            })
            .onMessage(Answer.class, answer -> {
              if (answer.reply().isSuccess()) {
                Pong pong = answer.reply().getValue();
                tally.ok++;
                tally.rtts.add(pong.rtt().toNanos() / 1e6);
                tally.digest = tally.digest * 31 + pong.rtt().toNanos() + pong.peer().hashCode();
              } else {
                tally.failed++;
                tally.digest = tally.digest * 31 + 1;
              }
              return Behaviors.same();
            })
            .build();
      });
    });
  }
}
