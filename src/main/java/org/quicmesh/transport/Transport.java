package org.quicmesh.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Request;

/**
 * What the protocol layers (DHT, NAT, pub/sub) see of the network. Implemented over real QUIC
 * ({@code transport.quic}) and in memory ({@code transport.sim}); the layers above cannot tell them apart.
 *
 * <p>Every peer identity a transport reports is verified (from the TLS certificate over QUIC). Inbound requests whose
 * {@code from} contact does not match the verified peer never reach the {@link InboundHandler}.
 *
 * <p>Completion stages complete on the transport's own threads; callers hop to their actor with {@code pipeToSelf}.
 */
public interface Transport extends AutoCloseable {

  /** Starts serving inbound requests and streams; must be called once, before any traffic is expected. */
  CompletionStage<List<InetSocketAddress>> start(InboundHandler handler);

  NodeId localId();

  /** The bound local addresses (after {@link #start}: with the real port when 0 was configured). */
  List<InetSocketAddress> listenAddresses();

  /**
   * Sends one request to a known peer and completes with its verified reply. Fails with a {@link TransportException}
   * on timeout, unreachable peer, identity mismatch (the peer at that address is not {@code to.id()}) or a closed
   * transport.
   */
  CompletionStage<Reply> request(Contact to, Request request, Duration timeout);

  /** Like {@link #request(Contact, Request, Duration)} to a peer known only by address (bootstrap seeds). */
  CompletionStage<Reply> request(InetSocketAddress to, Request request, Duration timeout);

  /**
   * The long-lived outbound message stream to a peer (opened on first materialisation, one per materialisation).
   * Backpressured end to end: the sink pulls only as fast as the peer's consumer reads. The materialised stage
   * completes when the stream is flushed and closed, or fails with a {@link TransportException}.
   */
  Sink<Message, CompletionStage<org.apache.pekko.Done>> streamTo(Contact to);

  /** Raw datagrams (STUN, probes) on the node's socket, beside the requests and streams. */
  DatagramPlane datagrams();

  /** The routes of peers whose connections may move between paths (direct, relayed) without a new handshake. */
  PathControl paths();

  /** Counters of what this transport did and rejected. */
  TransportStats stats();

  /** Closes every connection and the socket; idempotent. */
  CompletionStage<org.apache.pekko.Done> shutdown();

  @Override
  default void close() {
    shutdown().toCompletableFuture().join();
  }

  /** Convenience for code that never materialises streams. */
  static Sink<Message, NotUsed> ignoreStream() {
    return Sink.<Message>ignore().mapMaterializedValue(done -> NotUsed.getInstance());
  }
}
