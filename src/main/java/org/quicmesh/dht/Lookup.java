package org.quicmesh.dht;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.transport.TransportException;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.FindNode;
import org.quicmesh.wire.FindValue;
import org.quicmesh.wire.Nodes;
import org.quicmesh.wire.Request;
import org.quicmesh.wire.Value;

/**
 * One iterative lookup in flight: a short-lived actor around a {@link LookupState}. It keeps α requests out, frees a
 * slot when a peer is slow (per-contact soft timeout; the request stays open and a late answer still counts), reports
 * the finished result, and lingers until its last request has completed so late answers still reach the routing table
 * and failures are still reported against their contacts.
 */
final class Lookup {

  /** What the lookup reports when it finishes, with the round-trip times of the peers that answered. */
  public record Finished(long id, LookupResult result, Map<NodeId, Duration> rtts) {}

  /** A contact that answered a request of this lookup (the Dht may add it to its routing table). */
  public record Answered(Contact contact, Duration rtt) {}

  /**
   * A request of this lookup to {@code contact} failed or reached the per-RPC timeout (reported even after the
   * lookup finished), so the Dht can count the failure against the contact in its routing table.
   */
  public record Failed(Contact contact) {}

  sealed interface Command {}

  private record Outcome(Contact to, Reply reply, Throwable failure) implements Command {}

  private record Slow(Contact to) implements Command {}

  /** Where a lookup sends its results. */
  public record Listener(ActorRef<Finished> finished, ActorRef<Answered> answered, ActorRef<Failed> failed) {}

  private final long id;
  private final LookupState state;
  private final Transport transport;
  private final Contact self;
  private final Duration rpcTimeout;
  private final ToLongFunction<NodeId> slowAfterMillis;
  private final Clock clock;
  private final Listener listener;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Map<NodeId, Duration> rtts = new HashMap<>();
  private int outstanding;

  private Lookup(long id, LookupState state, Transport transport, Contact self, Duration rpcTimeout,
      ToLongFunction<NodeId> slowAfterMillis, Clock clock, Listener listener, ActorContext<Command> context, TimerScheduler<Command> timers) {
    this.id = id;
    this.state = state;
    this.transport = transport;
    this.self = self;
    this.rpcTimeout = rpcTimeout;
    this.slowAfterMillis = slowAfterMillis;
    this.clock = clock;
    this.listener = listener;
    this.context = context;
    this.timers = timers;
  }

  /**
   * @param slowAfterMillis the soft timeout of a request to a contact (e.g. a few times its RTT); must be safe to call
   *     from this actor (an immutable snapshot, never the Dht's live state)
   */
  static Behavior<Command> create(long id, LookupState state, Transport transport, Contact self, Duration rpcTimeout,
      ToLongFunction<NodeId> slowAfterMillis, Clock clock, Listener listener) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Lookup(id, state, transport, self, rpcTimeout, slowAfterMillis, clock, listener, ctx, timers).start()));
  }

  private Behavior<Command> start() {
    sendNext();
    return state.isFinished() ? finish() : running();
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Outcome.class, outcome -> {
          handle(outcome);
          if (state.isFinished()) {
            return finish();
          }
          sendNext();
          return state.isFinished() ? finish() : Behaviors.same();
        })
        .onMessage(Slow.class, slow -> {
          state.onSlow(slow.to(), clock.millis());
          sendNext();
          return state.isFinished() ? finish() : Behaviors.same();
        })
        .build();
  }

  /** Reports the result, then waits only for the requests still out (their answers still feed the routing table). */
  private Behavior<Command> finish() {
    timers.cancelAll();
    listener.finished().tell(new Finished(id, state.result(), Map.copyOf(rtts)));
    if (outstanding == 0) {
      return Behaviors.stopped();
    }
    return Behaviors.receive(Command.class)
        .onMessage(Outcome.class, outcome -> {
          outstanding--;
          if (outcome.failure() == null) {
            listener.answered().tell(new Answered(outcome.to(), outcome.reply().rtt()));
          } else {
            listener.failed().tell(new Failed(outcome.to()));
          }
          return outstanding == 0 ? Behaviors.stopped() : Behaviors.same();
        })
        .onMessage(Slow.class, slow -> Behaviors.same())
        .build();
  }

  private void sendNext() {
    for (Contact to : state.next(clock.millis())) {
      Request request = state.isFindValue()
          ? new FindValue(self, state.target().toBytes())
          : new FindNode(self, state.target());
      outstanding++;
      context.pipeToSelf(transport.request(to, request, rpcTimeout), (reply, failure) -> new Outcome(to, reply, failure));
      timers.startSingleTimer(to.id(), new Slow(to), Duration.ofMillis(slowAfterMillis.applyAsLong(to.id())));
    }
  }

  private void handle(Outcome outcome) {
    outstanding--;
    Contact to = outcome.to();
    timers.cancel(to.id());
    long now = clock.millis();
    if (outcome.failure() != null) {
      listener.failed().tell(new Failed(to));
      if (outcome.failure() instanceof TransportException e && e.kind() == TransportException.Kind.TIMEOUT) {
        state.onTimeout(to, now);
      } else {
        state.onFailure(to, now);
      }
      return;
    }
    Reply reply = outcome.reply();
    rtts.put(to.id(), reply.rtt());
    listener.answered().tell(new Answered(to, reply.rtt()));
    if (reply.response() instanceof Nodes nodes) {
      state.onResponse(to, withoutSelf(nodes.nodes()), now);
    } else if (reply.response() instanceof Value value && state.isFindValue()) {
      state.onValue(to, value.value(), now);
    } else {
      state.onFailure(to, now);
    }
  }

  private List<Contact> withoutSelf(List<Contact> contacts) {
    List<Contact> others = new ArrayList<>(contacts.size());
    for (Contact c : contacts) {
      if (!c.id().equals(self.id())) {
        others.add(c);
      }
    }
    return others;
  }
}
