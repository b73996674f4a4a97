package org.quicmesh.connect;

import java.time.Clock;
import java.util.Random;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.PathControl;

/**
 * Watches the two paths of one upgraded peer: every {@code probeInterval} a check goes out on the direct path and one
 * through the relay (which also keeps the relay session from expiring), and {@link PathHealth} keeps RTT and losses.
 * When the preferred path changes (direct died, came back, or the relay became much faster) it tells the manager,
 * which re-routes the connection.
 */
final class PathProber {
  sealed interface Command {}

  /** An answer carrying this peer's token. */
  record Answer(PathCheck answer) implements Command {}

  /** Replies with the figures of both paths. */
  record GetHealth(ActorRef<Health> replyTo) implements Command {}

  private enum Tick implements Command { INSTANCE }

  /** Figures of both paths: RTT (NaN if unknown), loss, liveness. */
  record Health(NodeId peer, double directRttMs, double directLoss, boolean directAlive, double relayRttMs,
      double relayLoss, boolean relayAlive) {}

  /** The path the prober prefers now changed. */
  record Preferred(NodeId peer, Path path, Health health) {}

  private PathProber() {}

  /** @param directRttMillis what the ICE check that nominated the direct path measured */
  static Behavior<Command> create(NodeId peer, Path.Direct direct, long directRttMillis, Path.Relayed relayed,
      byte[] token, DatagramPlane plane, PathControl paths, Clock clock, Random random, ConnectSettings settings,
      ActorRef<Preferred> report, ActorRef<PathStats.Measured> measured) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      PathHealth health = new PathHealth(settings.maxMisses(), settings.relayAdvantage().toMillis());
      health.proven(PathHealth.Which.DIRECT, directRttMillis);
      PathHealth.Which[] current = {PathHealth.Which.DIRECT};
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.probeInterval());
      return Behaviors.receive(Command.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            long now = clock.millis();
            PathCheck viaDirect = new PathCheck(false, token, random.nextLong());
            health.sent(PathHealth.Which.DIRECT, viaDirect.transaction(), now);
            plane.send(direct.address(), viaDirect.toBytes());
            PathCheck viaRelay = new PathCheck(false, token, random.nextLong());
            health.sent(PathHealth.Which.RELAYED, viaRelay.transaction(), now);
            paths.send(relayed, viaRelay.toBytes());
            return decide(peer, direct, relayed, health, current, report, measured);
          })
          .onMessage(Answer.class, answer -> {
            health.answered(answer.answer().transaction(), clock.millis());
            return decide(peer, direct, relayed, health, current, report, measured);
          })
          .onMessage(GetHealth.class, get -> {
            get.replyTo().tell(figures(peer, health));
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static Behavior<Command> decide(NodeId peer, Path.Direct direct, Path.Relayed relayed, PathHealth health,
      PathHealth.Which[] current, ActorRef<Preferred> report, ActorRef<PathStats.Measured> measured) {
    Health now = figures(peer, health);
    measured.tell(new PathStats.Measured(peer, new PathStats(direct.kind(), direct.via(), now.directRttMs(),
        now.directLoss(), now.directAlive())));
    measured.tell(new PathStats.Measured(peer, new PathStats(relayed.kind(), relayed.via(), now.relayRttMs(),
        now.relayLoss(), now.relayAlive())));
    boolean anyAnswer = health.stats(PathHealth.Which.DIRECT).answered + health.stats(PathHealth.Which.RELAYED)
        .answered > 0;
    PathHealth.Which preferred = health.preferred(true);
    if (anyAnswer && preferred != current[0]) {
      current[0] = preferred;
      report.tell(new Preferred(peer, preferred == PathHealth.Which.DIRECT ? direct : relayed, figures(peer, health)));
    }
    return Behaviors.same();
  }

  private static Health figures(NodeId peer, PathHealth health) {
    PathHealth.Stats d = health.stats(PathHealth.Which.DIRECT);
    PathHealth.Stats r = health.stats(PathHealth.Which.RELAYED);
    return new Health(peer, d.rtt().orElse(Double.NaN), d.loss(), health.alive(PathHealth.Which.DIRECT),
        r.rtt().orElse(Double.NaN), r.loss(), health.alive(PathHealth.Which.RELAYED));
  }
}
