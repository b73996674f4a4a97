package org.quicmesh.nat.relay;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.quicmesh.actor.Counters;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.RelayReserve;
import org.quicmesh.wire.RelayReserved;

/**
 * Keeps this node reachable through relays: every round it asks each known relay for a reservation, keeps the best
 * {@code keep} by {@link RelayChoice} and tells the node which ones it holds (they go into its endpoint record, where
 * peers look for a way in). Rounds come often enough to keep the QUIC connection to each relay, and the NAT binding
 * under it, alive: the relay reaches us over that connection when a peer asks for a session. A relay that stops
 * answering drops out at the next round and another takes its place.
 */
public final class RelayClient extends AbstractBehavior<RelayClient.Command> {

  public sealed interface Command {}

  /** Replies with the relays held now. */
  public record GetRelays(ActorRef<List<Contact>> replyTo) implements Command {}

  private enum Round implements Command { INSTANCE }

  private record Answered(InetSocketAddress relay, Reply reply, Throwable failure, long round) implements Command {}

  private final Transport transport;
  private final Contact self;
  private final List<InetSocketAddress> relays;
  private final int keep;
  private final Duration requestTimeout;
  private final java.util.function.Consumer<List<Contact>> onHeld;
  private final java.util.function.Consumer<InetSocketAddress> onSeen;
  private final Counters counters = new Counters();
  private final List<RelayChoice.Offer> offers = new ArrayList<>();
  private List<Contact> held = List.of();
  private long round;
  private int outstanding;

  /**
   * @param relays the relays to ask (config {@code quicmesh.nat.relay.servers})
   * @param onHeld told the relays held whenever they change
   * @param onSeen told where a relay sees us (a server-reflexive address) with every reservation it grants
   */
  public static Behavior<Command> create(Transport transport, Contact self, List<InetSocketAddress> relays, int keep,
      Duration every, Duration requestTimeout, java.util.function.Consumer<List<Contact>> onHeld,
      java.util.function.Consumer<InetSocketAddress> onSeen) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new RelayClient(ctx, timers, transport, self, relays, keep, every, requestTimeout, onHeld, onSeen)));
  }

  private RelayClient(ActorContext<Command> ctx, TimerScheduler<Command> timers, Transport transport, Contact self,
      List<InetSocketAddress> relays, int keep, Duration every, Duration requestTimeout,
      java.util.function.Consumer<List<Contact>> onHeld, java.util.function.Consumer<InetSocketAddress> onSeen) {
    super(ctx);
    this.transport = transport;
    this.self = self;
    this.relays = List.copyOf(relays);
    this.keep = keep;
    this.requestTimeout = requestTimeout;
    this.onHeld = onHeld;
    this.onSeen = onSeen;
    ctx.getSelf().tell(Round.INSTANCE);
    timers.startTimerWithFixedDelay(Round.INSTANCE, every);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Round.class, r -> startRound())
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(GetRelays.class, get -> {
          get.replyTo().tell(held);
          return this;
        })
        .build();
  }

  private Behavior<Command> startRound() {
    if (outstanding > 0) {
      finishRound(); // the previous round's stragglers no longer count
    }
    round++;
    offers.clear();
    outstanding = relays.size();
    long thisRound = round;
    for (InetSocketAddress relay : relays) {
      getContext().pipeToSelf(transport.request(relay, new RelayReserve(self), requestTimeout),
          (reply, failure) -> new Answered(relay, reply, failure, thisRound));
    }
    return this;
  }

  private Behavior<Command> onAnswered(Answered answered) {
    if (answered.round() != round) {
      return this;
    }
    if (answered.failure() == null && answered.reply().response() instanceof RelayReserved reserved) {
      counters.increment("reservations.held");
      Reply reply = answered.reply();
      onSeen.accept(Contact.Addresses.parse(reserved.yourAddress()));
      offers.add(new RelayChoice.Offer(Contact.of(reply.peer(), reply.address()), reply.rtt().toMillis(),
          reserved.loadPermille(), 0));
    } else {
      counters.increment("reservations.failed");
    }
    if (--outstanding == 0) {
      finishRound();
    }
    return this;
  }

  private void finishRound() {
    outstanding = 0;
    List<Contact> best = RelayChoice.best(offers, keep).stream().map(RelayChoice.Offer::relay).toList();
    if (!best.equals(held)) {
      held = best;
      onHeld.accept(held);
    }
  }

  Map<String, Long> counters() {
    return counters.snapshot();
  }
}
