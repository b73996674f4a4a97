package org.quicmesh.transport.sim;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.TransportException;
import org.quicmesh.transport.TransportException.Kind;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;

/**
 * A simulated long-lived message stream: FIFO over one link with that link's latency, reliable like a QUIC stream,
 * and backpressured end to end (a message leaves the link only when the receiver's bounded buffer takes it, and the
 * sender has at most {@link #WINDOW} messages in flight).
 *
 * <p>To a peer with a route ({@link SimPaths}) each message leaves over the route current when it is sent, straight
 * to the route's address or through its relay session, and the link behaves like a QUIC connection that survives
 * path changes: a message that does not get across (lost, dropped by a NAT or a relay, or its path dead) is sent
 * again over the then-current route after a retransmission timeout that doubles each time, and the receiver takes
 * messages strictly in order, holding one that overtook its predecessors on a faster path. Only a message stuck for
 * {@link #STALL_LIMIT} (the QUIC idle timeout) breaks the stream, and so does forgetting the route (the QUIC transport
 * closes the connections bound to it). To a peer without a route the link works as it always has: an unreachable peer
 * breaks the stream at once; once the peer gets a route, the link moves onto it.
 *
 * <p>Callbacks on Pekko's stages always run through the simulation's executor ({@code *Async(.., executor)}): Pekko's
 * Java stages are Scala futures whose plain callbacks run on fresh threads, which would let virtual time move on
 * before they ran.
 */
final class SimLink {
  static final int WINDOW = 32;
  static final int RECEIVE_BUFFER = 64;
  /** A routed message not across for this long breaks the stream (QUIC's default idle timeout). */
  static final Duration STALL_LIMIT = Duration.ofSeconds(60);
  static final Duration MIN_RETRANSMIT = Duration.ofMillis(10);
  static final Duration MAX_RETRANSMIT = Duration.ofSeconds(1);

  /** One message on its way; {@code due} is when it is at the receiving end (null while a routed copy travels). */
  private static final class InFlight {
    final Message message;
    final Instant firstSent;
    final CompletableFuture<Done> accepted = new CompletableFuture<>();
    Instant due;
    /** The host a routed copy reached; null for an unrouted message (its host is found when it is delivered). */
    SimTransport host;
    int transmissions;

    InFlight(Message message, Instant firstSent) {
      this.message = message;
      this.firstSent = firstSent;
    }
  }

  /** The receiving end: a bounded queue feeding the source the receiver's handler runs. */
  record Receiver(SourceQueueWithComplete<Message> queue, Source<Message, NotUsed> source) {}

  private final SimTransport sender;
  private final Contact to;
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private Receiver receiver;
  private SimTransport receiverHost;
  private boolean failed;
  /** Whether a delivery of the head is scheduled or its offer to the receiver is outstanding. */
  private boolean pumping;
  /** The route of the peer once a message went over it: from then on the link retransmits rather than breaks. */
  private SimPaths.Route route;

  private SimLink(SimTransport sender, Contact to) {
    this.sender = sender;
    this.to = to;
  }

  static Sink<Message, CompletionStage<Done>> sink(SimTransport sender, Contact to) {
    return Sink.<Message, CompletionStage<Done>>fromMaterializer((materializer, attributes) -> {
      SimLink link = new SimLink(sender, to);
      return Flow.of(Message.class)
          .mapAsync(WINDOW, link::send)
          .toMat(Sink.ignore(), Keep.right())
          .mapMaterializedValue(done -> done.whenCompleteAsync((d, failure) -> link.finish(failure),
              sender.network().executor()));
    }).mapMaterializedValue(stage -> stage.thenComposeAsync(inner -> inner, sender.network().executor()));
  }

  static Receiver receiver(ActorSystem<?> system) {
    Pair<SourceQueueWithComplete<Message>, Source<Message, NotUsed>> pair =
        Source.<Message>queue(RECEIVE_BUFFER, OverflowStrategy.backpressure(), 1).preMaterialize(system);
    return new Receiver(pair.first(), pair.second());
  }

  private synchronized CompletionStage<Done> send(Message message) {
    SimNetwork network = sender.network();
    SimPaths.Route bound = failed ? null : sender.routeTable().bound(to.id());
    if (route == null && bound != null) {
      route = bound; // the peer got a route: the stream moves onto it
    }
    if (!failed && route != null) {
      if (bound != route) {
        failAll(forgotten());
        return CompletableFuture.failedFuture(forgotten());
      }
      InFlight entry = new InFlight(message, network.clock().instant());
      inFlight.addLast(entry);
      transmit(entry, route.path());
      return entry.accepted;
    }
    SimNetwork.Delivery delivery = failed ? null : network.route(sender, to.socketAddress(), false);
    if (delivery == null) {
      failed = true;
      return CompletableFuture.failedFuture(new TransportException(Kind.UNREACHABLE, "stream to " + to + " broke"));
    }
    network.acknowledged(delivery);
    Duration oneWay = network.oneWay(sender.address(), delivery.destination().address());
    InFlight entry = new InFlight(message, network.clock().instant());
    entry.due = entry.firstSent.plus(oneWay);
    inFlight.addLast(entry);
    if (!pumping) {
      pumping = true;
      network.schedule(oneWay, this::deliverHead);
    }
    return entry.accepted;
  }

  private TransportException forgotten() {
    return new TransportException(Kind.UNREACHABLE, "the route to " + to.id() + " was forgotten: stream closed");
  }

  /** Sends one copy of a routed message over {@code route}. */
  private void transmit(InFlight entry, Path route) {
    SimNetwork network = sender.network();
    entry.transmissions++;
    Duration travel;
    if (route instanceof Path.Relayed relayed) {
      sender.relayEnd().send(relayed, new SimParcel(sender, (host, observed) -> arrived(entry, host, observed)),
          SimTransport.wireSize(entry.message));
      travel = network.oneWay(sender.address(), relayed.relayAddress())
          .plus(network.oneWay(relayed.relayAddress(), to.socketAddress()));
    } else {
      InetSocketAddress target = route.via();
      SimNetwork.Delivery delivery = network.route(sender, target, false);
      travel = network.oneWay(sender.address(), target);
      if (delivery != null) {
        network.schedule(network.oneWay(sender.address(), delivery.destination().address()),
            () -> arrived(entry, delivery.destination(), delivery.source()));
      }
    }
    network.schedule(retransmissionTimeout(travel, entry.transmissions), () -> retransmit(entry));
  }

  /** About a round trip at first, doubling with each copy (QUIC's probe timeout backs off alike), capped. */
  private static Duration retransmissionTimeout(Duration oneWay, int transmissions) {
    Duration base = oneWay.multipliedBy(2);
    if (base.compareTo(MIN_RETRANSMIT) < 0) {
      base = MIN_RETRANSMIT;
    }
    Duration cap = base.compareTo(MAX_RETRANSMIT) > 0 ? base : MAX_RETRANSMIT;
    Duration backedOff = base.multipliedBy(1L << Math.min(transmissions - 1, 16));
    return backedOff.compareTo(cap) > 0 ? cap : backedOff;
  }

  private synchronized void retransmit(InFlight entry) {
    if (failed || entry.due != null) {
      return;
    }
    SimNetwork network = sender.network();
    if (Duration.between(entry.firstSent, network.clock().instant()).compareTo(STALL_LIMIT) >= 0) {
      failAll(new TransportException(Kind.UNREACHABLE, "no path to " + to + " for " + STALL_LIMIT.toSeconds() + " s"));
      return;
    }
    if (sender.routeTable().bound(to.id()) != route) {
      failAll(forgotten());
      return;
    }
    transmit(entry, route.path());
  }

  /** A copy of a routed message reached {@code host}, coming from {@code observed} (the peer's side, or a relay). */
  private synchronized void arrived(InFlight entry, SimTransport host, InetSocketAddress observed) {
    if (failed || entry.due != null || host.isCrashed() || host.isClosed()) {
      return; // an earlier copy got here first, or nobody is there to take it: the timeout sends another
    }
    if (receiverHost != null && host != receiverHost) {
      host.reject("stray-packet"); // the stream is with another host: no connection here to take it
      return;
    }
    entry.due = sender.network().clock().instant();
    entry.host = host;
    sender.network().acknowledge(host, observed);
    if (!pumping && inFlight.peekFirst() == entry) {
      pumping = true;
      deliverHead();
    }
  }

  private synchronized void deliverHead() {
    InFlight head = inFlight.peekFirst();
    if (head == null) {
      pumping = false;
      return;
    }
    if (receiver == null) {
      SimTransport host = head.host;
      if (host == null) {
        SimNetwork.Delivery delivery = sender.network().route(sender, to.socketAddress(), false);
        host = delivery == null ? null : delivery.destination();
      }
      receiver = host == null ? null : host.acceptStream(sender);
      if (receiver == null) {
        failAll(new TransportException(Kind.UNREACHABLE, "peer " + to + " did not accept the stream"));
        return;
      }
      receiverHost = host;
      sender.network().streamOpened(sender.address(), to.socketAddress());
    }
    if (sender.network().dropsStreamMessage()) {
      // A lossy link (SimNetwork.setStreamLoss): the message vanishes, the stream goes on.
      offered(head, QueueOfferResult.enqueued(), null);
      return;
    }
    receiver.queue().offer(head.message)
        .whenCompleteAsync((result, failure) -> offered(head, result, failure), sender.network().executor());
  }

  private synchronized void offered(InFlight head, QueueOfferResult result, Throwable failure) {
    if (failure != null || result != QueueOfferResult.enqueued()) {
      failAll(new TransportException(Kind.UNREACHABLE, "peer " + to + " closed the stream"));
      return;
    }
    inFlight.pollFirst();
    head.accepted.complete(Done.getInstance());
    InFlight next = inFlight.peekFirst();
    if (next != null && next.due != null) {
      SimNetwork network = sender.network();
      Duration wait = Duration.between(network.clock().instant(), next.due);
      network.schedule(wait.isNegative() ? Duration.ZERO : wait, this::deliverHead);
    } else {
      pumping = false; // the next one (if any) is still on its way: its arrival delivers it
    }
  }

  private void failAll(TransportException failure) {
    failed = true;
    inFlight.forEach(entry -> entry.accepted.completeExceptionally(failure));
    inFlight.clear();
  }

  private synchronized void finish(Throwable failure) {
    if (receiver == null) {
      return;
    }
    if (failure != null) {
      receiver.queue().fail(failure);
    } else {
      receiver.queue().complete();
    }
  }
}
