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
import org.quicmesh.transport.Path;
import org.quicmesh.transport.PathControl;
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
  private final PathControl paths;

  SentToRecordingTransport(Transport delegate, SentTo sentTo) {
    this.delegate = delegate;
    this.sentTo = sentTo;
    this.datagrams = new RecordingPlane(delegate.datagrams(), sentTo);
    this.paths = new RecordingPaths(delegate.paths(), sentTo);
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
    // A routed peer's packets go over its path (to the peer's address or its relay), not to the contact's address.
    sentTo.record(delegate.paths().route(to.id()).map(Path::via).orElse(to.socketAddress()));
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
  public PathControl paths() {
    return paths;
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

  /** The routes, recording where probes sent over a path go. */
  private record RecordingPaths(PathControl delegate, SentTo sentTo) implements PathControl {
    @Override
    public void route(NodeId peer, Path path) {
      delegate.route(peer, path);
    }

    @Override
    public java.util.Optional<Path> route(NodeId peer) {
      return delegate.route(peer);
    }

    @Override
    public java.util.Map<NodeId, Path> routes() {
      return delegate.routes();
    }

    @Override
    public void forget(NodeId peer) {
      delegate.forget(peer);
    }

    @Override
    public CompletionStage<Void> send(Path path, byte[] payload) {
      sentTo.record(path.via());
      return delegate.send(path, payload);
    }
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
