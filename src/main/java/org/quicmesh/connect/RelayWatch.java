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

  private record Pinged(boolean answered) implements Command {}

  /** The relay of {@code path} stopped carrying the connection to {@code peer}. */
  record RelayLost(NodeId peer, Path.Relayed path) {}

  private RelayWatch() {}

  static Behavior<Command> create(NodeId peer, Path.Relayed path, Contact self, Transport transport,
      ConnectSettings settings, ActorRef<RelayLost> report) {
    // One interval, as the path prober's checks: the QUIC connection backs off its retransmissions the longer the
    // relay is silent, so a late failover also costs a late first packet on the new path.
    Duration timeout = settings.probeInterval();
    Contact viaRoute = Contact.of(peer, path.relayAddress());
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.probeInterval());
      boolean[] outstanding = {false};
      int[] misses = {0};
      return Behaviors.receive(Command.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            if (!outstanding[0]) {
              outstanding[0] = true;
              ctx.pipeToSelf(transport.request(viaRoute, new Ping(self), timeout),
                  (reply, failure) -> new Pinged(failure == null && reply.response() instanceof Ack));
            }
            return Behaviors.same();
          })
          .onMessage(Pinged.class, pinged -> {
            outstanding[0] = false;
            misses[0] = pinged.answered() ? 0 : misses[0] + 1;
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
