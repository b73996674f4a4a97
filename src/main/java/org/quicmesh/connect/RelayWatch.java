package org.quicmesh.connect;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Ping;

/**
 * Watches the relay of a connection that has no direct path (an upgraded one is watched by its {@link PathProber}):
 * a Ping over the connection every probe interval, which the route sends through the relay. After max-misses
 * unanswered in a row the relay counts as lost (crashed, restarted without our session, unreachable) and the manager
 * moves the connection to another relay; the watch then stops.
 */
final class RelayWatch {
  sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Pinged(boolean answered, Duration rtt) implements Command {}

  /** The relay of {@code path} stopped carrying the connection to {@code peer}. */
  record RelayLost(NodeId peer, Path.Relayed path) {}

  private RelayWatch() {}

  /** @param measured told the relay path's figures after every ping */
  static Behavior<Command> create(NodeId peer, Path.Relayed path, Contact self, Transport transport,
      ConnectSettings settings, ActorRef<RelayLost> report, ActorRef<PathStats.Measured> measured) {
    // One interval, as the path prober's checks: the QUIC connection backs off its retransmissions the longer the
    // relay is silent, so a late failover also costs a late first packet on the new path.
    Duration timeout = settings.probeInterval();
    Contact viaRoute = Contact.of(peer, path.relayAddress());
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.probeInterval());
      boolean[] outstanding = {false};
      int[] misses = {0};
      int[] sentAnswered = {0, 0};
      double[] rttMs = {Double.NaN};
      return Behaviors.receive(Command.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            if (!outstanding[0]) {
              outstanding[0] = true;
              sentAnswered[0]++;
              ctx.pipeToSelf(transport.request(viaRoute, new Ping(self), timeout),
                  (reply, failure) -> failure == null && reply.response() instanceof Ack
                      ? new Pinged(true, reply.rtt()) : new Pinged(false, null));
            }
            return Behaviors.same();
          })
          .onMessage(Pinged.class, pinged -> {
            outstanding[0] = false;
            misses[0] = pinged.answered() ? 0 : misses[0] + 1;
            if (pinged.answered()) {
              sentAnswered[1]++;
              double sample = pinged.rtt().toNanos() / 1e6;
              rttMs[0] = Double.isNaN(rttMs[0]) ? sample : 0.75 * rttMs[0] + 0.25 * sample;
            }
            measured.tell(new PathStats.Measured(peer, new PathStats(path.kind(), path.via(), rttMs[0],
                1.0 - (double) sentAnswered[1] / sentAnswered[0], misses[0] < settings.maxMisses())));
            if (misses[0] >= settings.maxMisses()) {
              report.tell(new RelayLost(peer, path));
              return Behaviors.stopped();
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}
