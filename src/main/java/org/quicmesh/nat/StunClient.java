package org.quicmesh.nat;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.quicmesh.actor.Counters;
import org.quicmesh.nat.StunTransactions.Done;
import org.quicmesh.nat.StunTransactions.Send;
import org.quicmesh.nat.stun.Retransmission;
import org.quicmesh.nat.stun.StunAttribute;
import org.quicmesh.nat.stun.StunClass;
import org.quicmesh.nat.stun.StunCodec;
import org.quicmesh.nat.stun.StunFormatException;
import org.quicmesh.nat.stun.TransactionId;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.DatagramPlane;

/**
 * STUN Binding transactions from the node's own socket, against public STUN servers and mesh peers alike: sends,
 * retransmits on the RFC 8489 schedule, matches answers by transaction id, and replies once per {@link Bind}. A thin
 * behaviour around {@link StunTransactions}; STUN datagrams reach it from the transport's thread as messages.
 */
final class StunClient extends AbstractBehavior<StunClient.Command> {

  public sealed interface Command {}

  /** Asks {@code server} where it sees us; {@code attributes} may hold a CHANGE-REQUEST (RFC 5780 tests). */
  public record Bind(InetSocketAddress server, List<StunAttribute> attributes, Retransmission schedule,
      ActorRef<BindingOutcome> replyTo) implements Command {
    public Bind {
      attributes = List.copyOf(attributes);
    }
  }

  /** Replies with the client's counters (transactions, retransmits, timeouts, successes, ...). */
  public record GetCounters(ActorRef<Map<String, Long>> replyTo) implements Command {}

  private record Received(Datagram datagram) implements Command {}

  private record TimerFired(TransactionId id) implements Command {}

  private final DatagramPlane plane;
  private final TimerScheduler<Command> timers;
  private final Counters counters = new Counters();
  private final StunTransactions<ActorRef<BindingOutcome>> transactions;
  private final DatagramPlane.Registration registration;

  public static Behavior<Command> create(DatagramPlane plane, Clock clock, Random random) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new StunClient(ctx, timers, plane, clock, random)));
  }

  private StunClient(ActorContext<Command> ctx, TimerScheduler<Command> timers, DatagramPlane plane, Clock clock,
      Random random) {
    super(ctx);
    this.plane = plane;
    this.timers = timers;
    this.transactions = new StunTransactions<>(clock, random, counters);
    ActorRef<Command> self = ctx.getSelf();
    this.registration = plane.listen(DatagramKind.STUN, datagram -> {
      StunClass type = StunCodec.classOf(datagram.payload());
      if (type == StunClass.SUCCESS_RESPONSE || type == StunClass.ERROR_RESPONSE) {
        self.tell(new Received(datagram)); // requests are the server's
      }
    });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Bind.class, this::onBind)
        .onMessage(Received.class, this::onReceived)
        .onMessage(TimerFired.class, fired -> {
          transactions.timerFired(fired.id()).ifPresent(this::perform);
          return this;
        })
        .onMessage(GetCounters.class, get -> {
          get.replyTo().tell(counters.snapshot());
          return this;
        })
        .onSignal(PostStop.class, stop -> {
          registration.cancel();
          return this;
        })
        .build();
  }

  private Behavior<Command> onBind(Bind bind) {
    perform(transactions.start(bind.server(), bind.attributes(), bind.schedule(), bind.replyTo()));
    return this;
  }

  private Behavior<Command> onReceived(Received received) {
    try {
      var message = StunCodec.decode(received.datagram().payload());
      transactions.received(message, received.datagram().sender()).ifPresent(this::perform);
    } catch (StunFormatException e) {
      counters.increment("stun.malformed." + e.reason().counterName());
    }
    return this;
  }

  private void perform(StunTransactions.Step<ActorRef<BindingOutcome>> step) {
    if (step instanceof Send<ActorRef<BindingOutcome>> send) {
      // A failed send is retransmitted like a lost one.
      plane.send(send.server(), send.bytes());
      timers.startSingleTimer(send.id(), new TimerFired(send.id()), send.retryAfter());
    } else if (step instanceof Done<ActorRef<BindingOutcome>> done) {
      timers.cancel(done.id());
      done.replyTo().tell(done.outcome());
    }
  }
}
