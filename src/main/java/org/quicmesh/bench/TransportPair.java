package org.quicmesh.bench;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.quic.QuicTransport;
import org.quicmesh.transport.quic.QuicTransportConfig;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Response;

/** Two started {@link QuicTransport}s with the same config; the receiver queues the message streams it is offered. */
final class TransportPair implements AutoCloseable {
  private final QuicTransport sender;
  private final QuicTransport receiver;
  private final BlockingQueue<Source<Message, NotUsed>> inbound = new LinkedBlockingQueue<>();
  private Contact senderContact;
  private Contact receiverContact;

  private TransportPair(QuicTransportConfig config) {
    sender = new QuicTransport(Keypair.generate(), config);
    receiver = new QuicTransport(Keypair.generate(), config);
  }

  static TransportPair start(QuicTransportConfig config) throws Exception {
    TransportPair pair = new TransportPair(config);
    try {
      pair.senderContact = Contact.of(pair.sender.localId(), await(pair.sender.start(pair.handler())).get(0));
      pair.receiverContact = Contact.of(pair.receiver.localId(), await(pair.receiver.start(pair.handler())).get(0));
      return pair;
    } catch (Exception | Error e) {
      pair.close();
      throw e;
    }
  }

  private InboundHandler handler() {
    return new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        return CompletableFuture.completedFuture(new Ack());
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
        inbound.add(messages);
      }
    };
  }

  QuicTransport sender() {
    return sender;
  }

  Contact senderContact() {
    return senderContact;
  }

  Contact receiverContact() {
    return receiverContact;
  }

  /** quiche's figures for the sender's connection to the receiver, if one is open. */
  Optional<ConnectionSnapshot> senderConnection() throws InterruptedException {
    return ConnectionSnapshot.take(sender, receiverContact.id());
  }

  /** quiche's figures for the receiver's connection back to the sender (the ACKs of a row travel on it). */
  Optional<ConnectionSnapshot> receiverConnection() throws InterruptedException {
    return ConnectionSnapshot.take(receiver, senderContact.id());
  }

  /** The next message stream the receiver was offered. */
  Source<Message, NotUsed> nextInboundStream(long timeout, TimeUnit unit) throws InterruptedException {
    Source<Message, NotUsed> next = inbound.poll(timeout, unit);
    if (next == null) {
      throw new IllegalStateException("no inbound stream within " + timeout + " " + unit);
    }
    return next;
  }

  @Override
  public void close() throws Exception {
    CompletableFuture.allOf(sender.shutdown().toCompletableFuture(), receiver.shutdown().toCompletableFuture())
        .get(10, TimeUnit.SECONDS);
  }

  private static List<java.net.InetSocketAddress> await(CompletionStage<List<java.net.InetSocketAddress>> stage)
      throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
