package org.quicmesh.transport.sim;

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
import org.quicmesh.transport.TransportException;
import org.quicmesh.transport.TransportException.Kind;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;

/**
 * A simulated long-lived message stream: FIFO over one link with that link's latency, reliable like a QUIC stream,
 * and backpressured end to end (a message leaves the link only when the receiver's bounded buffer takes it, and the
 * sender has at most {@link #WINDOW} messages in flight).
 *
 * <p>Callbacks on Pekko's stages always run through the simulation's executor ({@code *Async(.., executor)}): Pekko's
 * Java stages are Scala futures whose plain callbacks run on fresh threads, which would let virtual time move on
 * before they ran.
 */
final class SimLink {
  static final int WINDOW = 32;
  static final int RECEIVE_BUFFER = 64;

  private record InFlight(Message message, Instant due, CompletableFuture<Done> accepted) {}

  /** The receiving end: a bounded queue feeding the source the receiver's handler runs. */
  record Receiver(SourceQueueWithComplete<Message> queue, Source<Message, NotUsed> source) {}

  private final SimTransport sender;
  private final Contact to;
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private Receiver receiver;
  private boolean failed;

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
    SimNetwork.Delivery delivery = failed ? null : sender.network().route(sender, to.socketAddress(), false);
    if (delivery == null) {
      failed = true;
      return CompletableFuture.failedFuture(new TransportException(Kind.UNREACHABLE, "stream to " + to + " broke"));
    }
    SimNetwork network = sender.network();
    network.acknowledged(delivery);
    Duration oneWay = network.oneWay(sender.address(), delivery.destination().address());
    InFlight entry = new InFlight(message, network.clock().instant().plus(oneWay), new CompletableFuture<>());
    inFlight.addLast(entry);
    if (inFlight.size() == 1) {
      network.schedule(oneWay, this::deliverHead);
    }
    return entry.accepted();
  }

  private synchronized void deliverHead() {
    InFlight head = inFlight.peekFirst();
    if (head == null) {
      return;
    }
    if (receiver == null) {
      SimNetwork.Delivery delivery = sender.network().route(sender, to.socketAddress(), false);
      receiver = delivery == null ? null : delivery.destination().acceptStream(sender);
      if (receiver == null) {
        failAll(new TransportException(Kind.UNREACHABLE, "peer " + to + " did not accept the stream"));
        return;
      }
      sender.network().streamOpened(sender.address(), to.socketAddress());
    }
    if (sender.network().dropsStreamMessage()) {
      // A lossy link (SimNetwork.setStreamLoss): the message vanishes, the stream goes on.
      offered(head, QueueOfferResult.enqueued(), null);
      return;
    }
    receiver.queue().offer(head.message())
        .whenCompleteAsync((result, failure) -> offered(head, result, failure), sender.network().executor());
  }

  private synchronized void offered(InFlight head, QueueOfferResult result, Throwable failure) {
    if (failure != null || result != QueueOfferResult.enqueued()) {
      failAll(new TransportException(Kind.UNREACHABLE, "peer " + to + " closed the stream"));
      return;
    }
    inFlight.pollFirst();
    head.accepted().complete(Done.getInstance());
    InFlight next = inFlight.peekFirst();
    if (next != null) {
      SimNetwork network = sender.network();
      Duration wait = Duration.between(network.clock().instant(), next.due());
      network.schedule(wait.isNegative() ? Duration.ZERO : wait, this::deliverHead);
    }
  }

  private void failAll(TransportException failure) {
    failed = true;
    inFlight.forEach(entry -> entry.accepted().completeExceptionally(failure));
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
