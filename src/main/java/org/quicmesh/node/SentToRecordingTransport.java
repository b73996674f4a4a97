package org.quicmesh.node;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.SentTo;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.transport.TransportStats;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Request;
import org.quicmesh.wire.Response;

/**
 * The node's transport, noting in a {@link SentTo} every address the node sends to: requests, streams, answers to
 * inbound requests (the answer goes back to where the request came from) and raw datagrams. NAT detection needs this
 * to know which dial-backs can prove anything. Everything else passes straight through. (Inbound pub/sub streams name
 * no address; their peers also reach us by request, which is recorded.)
 */
final class SentToRecordingTransport implements Transport {
  private final Transport delegate;
  private final SentTo sentTo;
  private final DatagramPlane datagrams;

  SentToRecordingTransport(Transport delegate, SentTo sentTo) {
    this.delegate = delegate;
    this.sentTo = sentTo;
    this.datagrams = new RecordingPlane(delegate.datagrams(), sentTo);
  }

  @Override
  public CompletionStage<List<InetSocketAddress>> start(InboundHandler handler) {
    return delegate.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        sentTo.record(request.observedAddress());
        return handler.onRequest(request);
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
        handler.onStream(peer, messages);
      }
    });
  }

  @Override
  public NodeId localId() {
    return delegate.localId();
  }

  @Override
  public List<InetSocketAddress> listenAddresses() {
    return delegate.listenAddresses();
  }

  @Override
  public CompletionStage<Reply> request(Contact to, Request request, Duration timeout) {
    sentTo.record(to.socketAddress());
    return delegate.request(to, request, timeout);
  }

  @Override
  public CompletionStage<Reply> request(InetSocketAddress to, Request request, Duration timeout) {
    sentTo.record(to);
    return delegate.request(to, request, timeout);
  }

  @Override
  public Sink<Message, CompletionStage<org.apache.pekko.Done>> streamTo(Contact to) {
    sentTo.record(to.socketAddress());
    return delegate.streamTo(to);
  }

  @Override
  public DatagramPlane datagrams() {
    return datagrams;
  }

  @Override
  public TransportStats stats() {
    return delegate.stats();
  }

  @Override
  public CompletionStage<org.apache.pekko.Done> shutdown() {
    return delegate.shutdown();
  }

  /** The raw datagram plane, recording destinations. */
  private record RecordingPlane(DatagramPlane delegate, SentTo sentTo) implements DatagramPlane {
    @Override
    public Registration listen(org.quicmesh.transport.DatagramKind kind, DatagramListener listener) {
      return delegate.listen(kind, listener);
    }

    @Override
    public CompletionStage<Void> send(InetSocketAddress to, byte[] payload) {
      sentTo.record(to);
      return delegate.send(to, payload);
    }

    @Override
    public CompletionStage<Void> send(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
      sentTo.record(to);
      return delegate.send(from, to, payload);
    }

    @Override
    public CompletionStage<InetSocketAddress> open(InetSocketAddress local) {
      return delegate.open(local);
    }
  }
}
