package org.quicmesh.transport.quic;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.stream.javadsl.Sink;
import org.quicmesh.identity.Certificates;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.identity.PeerIdentityException;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.PathControl;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.transport.TransportException;
import org.quicmesh.transport.TransportException.Kind;
import org.quicmesh.transport.TransportStats;
import org.quicmesh.transport.limits.Admission;
import org.quicmesh.transport.limits.Permits;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} over Netty QUIC with mutual Ed25519 TLS.
 *
 * <p>One UDP socket per node serves both directions (NAT traversal needs outgoing and incoming QUIC on one port):
 * its pipeline is {@code demux, serverCodec, bridge, clientCodec}, see {@link DatagramDemux}. The same socket carries
 * raw STUN and probe datagrams through {@link #datagrams()}.
 *
 * <p>Requests use one bidirectional stream each over a pooled connection per peer ({@link ConnectionPool}); every
 * reply names the peer verified from its certificate. A refused request (spoofed {@code from}, undecodable body) is
 * answered with a {@link org.quicmesh.wire.Rejected} reply, which callers get as a normal {@link Reply}. A request that
 * times out on a connection that received no packet since it was sent retires that connection (the peer is gone, e.g.
 * restarted; counted as {@code stale-connection} in {@link TransportStats#rejected()}), so the next request redials.
 * Netty QUIC offers no keep-alive knob; an idle dead connection is found by this check or the idle timeout. Long-lived message streams go through the
 * {@link StreamAdapters} given at construction, by default the backpressured {@link MessageStreamAdapters}.
 *
 * <p>What peers may make it hold is bounded by the config's
 * {@link org.quicmesh.transport.limits.TransportLimits} (docs/operations.md "Limits"): new connections per IP are
 * gated before any handshake ({@link AttemptGate}), connections over a limit are closed with a {@link CloseReason},
 * and request streams over a peer's rate, in-flight limit or the inbound byte budget are reset with a
 * {@link StreamErrors} limit code before they are read. Each refusal is counted in {@link TransportStats#rejected()}.
 */
public final class QuicTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(QuicTransport.class);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
  /** How the peer closed a connection (its CONNECTION_CLOSE), once it did: requests failing on it say why. */
  static final AttributeKey<QuicConnectionCloseEvent> PEER_CLOSE = AttributeKey.valueOf("quicmesh.peer-close");

  private enum State { NEW, RUNNING, CLOSED }

  private final Keypair keypair;
  private final QuicTransportConfig config;
  private final StreamAdapters streamAdapters;
  private final TransportCounters counters = new TransportCounters();
  private final Datagrams datagrams = new Datagrams(counters);
  private final PathTable pathTable = new PathTable();
  private final ConnectionPool pool = new ConnectionPool(this::dial, pathTable::dialAddress);
  private final QuicPaths paths = new QuicPaths(pathTable, datagrams, this::closeConnectionsTo);
  private final Set<RpcCall> inFlight = ConcurrentHashMap.newKeySet();
  /** The limits on what peers may make us hold; the network is real, so is its clock. */
  private final Admission admission;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final CompletableFuture<Channel> bound = new CompletableFuture<>();
  private final CompletableFuture<Done> terminated = new CompletableFuture<>();
  private final ChannelHandler inboundStreams = new InboundStreams();
  private final ChannelHandler acceptedConnections = new ConnectionEvents(true);
  private final ChannelHandler dialedConnections = new ConnectionEvents(false);
  /** Event loops lent by the caller (shared by many transports in one process), or null: we own a loop of our own. */
  private final EventLoopGroup sharedLoops;
  private volatile InboundHandler inbound;
  /** The most payload one segmented send may carry (the kernel's limit for a UDP_SEGMENT send is 64 KiB). */
  private static final int MAX_SEGMENTED_SEND_BYTES = 65_000;
  /** Datagrams a native socket reads per system call (recvmmsg). */
  private static final int RECVMMSG_BATCH = 16;
  private volatile EventLoopGroup group;
  /** How QUIC packs outbound packets into sends: segmented (GSO) on a native socket that supports it. */
  private volatile SegmentedDatagramPacketAllocator segments = SegmentedDatagramPacketAllocator.NONE;
  private volatile Channel socket;

  public QuicTransport(Keypair keypair, QuicTransportConfig config) {
    this(keypair, config, new MessageStreamAdapters());
  }

  public QuicTransport(Keypair keypair, QuicTransportConfig config, StreamAdapters streamAdapters) {
    this(keypair, config, streamAdapters, null);
  }

  /**
   * A transport whose socket runs on {@code sharedLoops}, which the caller owns and shuts down after every transport
   * on it (many nodes in one process then share a few threads instead of one each).
   */
  public QuicTransport(Keypair keypair, QuicTransportConfig config, EventLoopGroup sharedLoops) {
    this(keypair, config, new MessageStreamAdapters(), Objects.requireNonNull(sharedLoops, "sharedLoops"));
  }

  private QuicTransport(Keypair keypair, QuicTransportConfig config, StreamAdapters streamAdapters,
      EventLoopGroup sharedLoops) {
    this.keypair = Objects.requireNonNull(keypair, "keypair");
    this.config = Objects.requireNonNull(config, "config");
    this.streamAdapters = Objects.requireNonNull(streamAdapters, "streamAdapters");
    this.sharedLoops = sharedLoops;
    this.admission = new Admission(config.limits(), Clock.systemUTC());
  }

  /**
   * Event loops for many transports in one process to share (see the constructor taking them): native epoll where it
   * loads, NIO elsewhere, so the sockets on them get the faster transport. The caller shuts them down.
   */
  public static EventLoopGroup newSharedEventLoops(int threads) {
    return SocketIo.best().newGroup(threads);
  }

  @Override
  public CompletionStage<List<InetSocketAddress>> start(InboundHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      return CompletableFuture.failedFuture(new IllegalStateException("transport already started or shut down"));
    }
    try {
      Quic.ensureAvailability();
    } catch (Throwable t) {
      state.set(State.CLOSED);
      terminated.complete(Done.getInstance());
      return CompletableFuture.failedFuture(new IllegalStateException(
          "Netty QUIC native library is not available on " + System.getProperty("os.name") + "/"
              + System.getProperty("os.arch") + " (needs netty-codec-native-quic with the matching classifier); "
              + "use the simulated transport instead", t));
    }
    inbound = handler;
    X509Certificate certificate = Certificates.selfSigned(keypair);
    QuicSslContext serverTls = QuicTls.serverContext(keypair, certificate);
    QuicSslContext clientTls = QuicTls.clientContext(keypair, certificate);
    // Shared loops decide the socket's kind (a channel must match its loop); our own follow the config.
    SocketIo io = sharedLoops != null ? SocketIo.of(sharedLoops)
        : config.nativeSocket() ? SocketIo.best() : SocketIo.NIO;
    // A segmented send carries at most one UDP datagram's worth (64 KiB) in all: large datagrams leave one by one.
    int trainLength = Math.min(config.gsoSegments(), MAX_SEGMENTED_SEND_BYTES / config.maxSendUdpPayloadSize());
    segments = io.segments() && trainLength > 1
        ? EpollQuicUtils.newSegmentedAllocator(trainLength) : SegmentedDatagramPacketAllocator.NONE;
    ChannelHandler serverCodec = transportParameters(new QuicServerCodecBuilder())
        .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, segments)
        .sslContext(serverTls)
        .connectionIdAddressGenerator(ConnectionIds.serverGenerator())
        .tokenHandler(new AttemptGate(this::admitAttempt))
        .handler(acceptedConnections)
        // Message stream stages read on demand only: nothing may be read before they attach (RPC streams opt in).
        .streamOption(ChannelOption.AUTO_READ, false)
        .streamHandler(inboundStreams)
        .build();
    ChannelHandler clientCodec = transportParameters(new QuicClientCodecBuilder()).sslContext(clientTls).build();
    CodecBridge bridge = new CodecBridge();
    DatagramDemux demux = new DatagramDemux(bridge, datagrams, pathTable, counters);
    PathRouter router = new PathRouter(pathTable);

    EventLoopGroup loops = sharedLoops != null ? sharedLoops : io.newGroup(1);
    group = loops;
    // Datagrams larger than the allocator's buffer are cut: size it to what we let peers send. The native socket reads
    // up to RECVMMSG_BATCH datagrams per system call into one buffer of that many slots.
    int receiveBuffer = Math.max(2048, config.maxRecvUdpPayloadSize());
    Bootstrap bootstrap = new Bootstrap().group(loops).channel(io.channelClass());
    if (io == SocketIo.EPOLL) {
      bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, receiveBuffer);
      receiveBuffer *= RECVMMSG_BATCH;
    }
    ChannelFuture binding = bootstrap
        .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(receiveBuffer))
        .option(ChannelOption.SO_RCVBUF, config.socketReceiveBufferBytes())
        .handler(new ChannelInitializer<DatagramChannel>() {
          @Override
          protected void initChannel(DatagramChannel ch) {
            // Flushes of the many connections on this socket within one event-loop round go out together (one
            // sendmmsg instead of a sendto per connection, the stream writes of a gossip forward being separate tasks).
            ch.pipeline().addLast(new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true), router, demux, serverCodec,
                bridge, clientCodec);
          }
        })
        .bind(config.bindAddress());
    CompletableFuture<List<InetSocketAddress>> result = new CompletableFuture<>();
    binding.addListener((ChannelFuture f) -> {
      if (f.isSuccess()) {
        socket = f.channel();
        datagrams.attach(socket, loops);
        // The QUIC connections never close their parent socket; if the socket goes, the transport goes.
        socket.closeFuture().addListener(closed -> shutdown());
        bound.complete(socket);
        result.complete(listenAddresses());
      } else {
        bound.completeExceptionally(f.cause());
        result.completeExceptionally(f.cause());
        shutdown();
      }
    });
    return result;
  }

  private <B extends QuicCodecBuilder<B>> B transportParameters(B builder) {
    return builder
        .congestionControlAlgorithm(config.congestionControl())
        .maxIdleTimeout(config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .initialMaxData(config.initialMaxData())
        .initialMaxStreamDataBidirectionalLocal(config.initialMaxStreamData())
        .initialMaxStreamDataBidirectionalRemote(config.initialMaxStreamData())
        .initialMaxStreamDataUnidirectional(config.initialMaxStreamData())
        .initialMaxStreamsBidirectional(config.maxStreamsBidirectional())
        .initialMaxStreamsUnidirectional(config.maxStreamsUnidirectional())
        .maxSendUdpPayloadSize(config.maxSendUdpPayloadSize())
        .maxRecvUdpPayloadSize(config.maxRecvUdpPayloadSize())
        // Same length on both codecs: short headers carry no length, the demux and codecs rely on it.
        .localConnectionIdLength(ConnectionIds.LENGTH);
  }

  /** The attempt-rate gate: one new connection attempt from {@code source}, counted if refused. */
  private boolean admitAttempt(InetSocketAddress source) {
    if (admission.admitAttempt(source.getAddress())) {
      return true;
    }
    counters.reject("limit-connection-attempts-per-ip");
    return false;
  }

  /**
   * Admits a connection a peer completed to us, or closes it at once with the limit's close code and reason. An
   * admitted one gives its permit back when it closes.
   */
  private boolean admitConnection(QuicChannel channel) {
    InetAddress source = ((InetSocketAddress) channel.remoteSocketAddress()).getAddress();
    Permits.Verdict verdict = admission.admitConnection(source);
    if (verdict == Permits.Verdict.GRANTED) {
      channel.closeFuture().addListener(closed -> admission.releaseConnection(source));
      return true;
    }
    CloseReason reason = verdict == Permits.Verdict.OVER_KEY_LIMIT
        ? CloseReason.LIMIT_CONNECTIONS_PER_IP : CloseReason.LIMIT_CONNECTIONS;
    counters.reject(verdict == Permits.Verdict.OVER_KEY_LIMIT ? "limit-connections-per-ip" : "limit-connections");
    log.debug("refusing connection from {}: {}", channel.remoteSocketAddress(), reason.text());
    channel.close(true, reason.code(), reason.phrase());
    return false;
  }

  /** Connections peers dialed to us that hold a permit now (for tests). */
  int limitedConnections() {
    return admission.connections();
  }

  @Override
  public NodeId localId() {
    return keypair.nodeId();
  }

  @Override
  public List<InetSocketAddress> listenAddresses() {
    Channel s = socket;
    return s == null ? List.of() : List.of((InetSocketAddress) s.localAddress());
  }

  @Override
  public Datagrams datagrams() {
    return datagrams;
  }

  @Override
  public PathControl paths() {
    return paths;
  }

  private void closeConnectionsTo(InetSocketAddress stable) {
    for (QuicChannel channel : pool.channels()) {
      if (stable.equals(channel.remoteSocketAddress())) {
        channel.close();
      }
    }
  }

  @Override
  public CompletionStage<Reply> request(Contact to, Request request, Duration timeout) {
    Objects.requireNonNull(to, "to");
    return send(request, timeout, to.toString(), () -> pool.connect(to));
  }

  @Override
  public CompletionStage<Reply> request(InetSocketAddress to, Request request, Duration timeout) {
    Objects.requireNonNull(to, "to");
    return send(request, timeout, to.toString(), () -> pool.connect(to));
  }

  private CompletionStage<Reply> send(Request request, Duration timeout, String target,
      Supplier<CompletableFuture<PeerConnection>> connection) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(timeout, "timeout");
    RpcCall call = new RpcCall(request, target, counters, pathTable);
    counters.requestsSent.increment();
    if (state.get() != State.RUNNING || socket == null) {
      call.fail(Kind.CLOSED, "transport is not running", null);
      return call.result().minimalCompletionStage();
    }
    inFlight.add(call);
    call.result().whenComplete((reply, error) -> inFlight.remove(call));
    try {
      var timer = group.next().schedule(
          () -> timeOut(call, "no reply from " + target + " within " + timeout.toMillis() + " ms"),
          timeout.toNanos(), TimeUnit.NANOSECONDS);
      call.result().whenComplete((reply, error) -> timer.cancel(false));
      connection.get().whenComplete((peer, error) -> {
        if (error != null) {
          call.fail(asTransportException(error, target));
        } else {
          call.start(peer);
        }
      });
    } catch (RejectedExecutionException e) {
      call.fail(Kind.CLOSED, "transport is shutting down", e);
    }
    return call.result().minimalCompletionStage();
  }

  /**
   * Fails a call with TIMEOUT. If its connection heard nothing since the request went out, the peer is gone (a
   * restarted peer leaves our connection "active" until the idle timeout): the connection is retired first, so the
   * next request redials instead of timing out too. Not so a routed connection: silence there means its path died
   * (e.g. its relay), and the connectivity layer moves it to another path; closing it would lose the connection.
   */
  private void timeOut(RpcCall call, String message) {
    call.silentConnection().whenComplete((silent, error) -> {
      if (silent != null && pathTable.byStable(silent.channel().remoteSocketAddress()) != null) {
        counters.reject("silent-routed-connection-kept");
      } else if (silent != null && pool.retire(silent)) {
        counters.reject("stale-connection");
        log.debug("closing stale connection to {}", silent.peer().shortHex());
      }
      call.fail(Kind.TIMEOUT, message, null);
    });
  }

  /** Dials {@code address} from our socket and verifies who answered (against {@code expected} if not null). */
  private CompletableFuture<PeerConnection> dial(InetSocketAddress address, NodeId expected) {
    Channel s = socket;
    if (s == null || state.get() != State.RUNNING) {
      return CompletableFuture.failedFuture(new TransportException(Kind.CLOSED, "transport is not running"));
    }
    Future<QuicChannel> connecting = QuicChannel.newBootstrap(s)
        .handler(dialedConnections)
        .streamHandler(inboundStreams)
        .streamOption(ChannelOption.AUTO_READ, false)
        .localConnectionAddress(ConnectionIds.newClientId())
        .remoteConnectionAddress(ConnectionIds.newInitialServerId())
        .remoteAddress(address)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.handshakeTimeout().toMillis())
        .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, segments)
        .connect();
    CompletableFuture<PeerConnection> result = new CompletableFuture<>();
    connecting.addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(
            new TransportException(Kind.UNREACHABLE, "could not connect to " + address + ": " + f.cause(), f.cause()));
        return;
      }
      QuicChannel channel = connecting.getNow();
      if (state.get() != State.RUNNING) {
        channel.close();
        result.completeExceptionally(new TransportException(Kind.CLOSED, "transport shut down while dialing"));
        return;
      }
      NodeId peer;
      try {
        peer = QuicTls.peerId(channel);
      } catch (PeerIdentityException e) {
        counters.reject("bad-certificate");
        channel.close();
        result.completeExceptionally(new TransportException(Kind.IDENTITY_MISMATCH, e.getMessage(), e));
        return;
      }
      if (expected != null && !expected.equals(peer)) {
        counters.reject("identity-mismatch");
        channel.close();
        result.completeExceptionally(new TransportException(Kind.IDENTITY_MISMATCH,
            address + " is " + peer.shortHex() + ", not the expected " + expected.shortHex()));
        return;
      }
      counters.handshakesDialed.increment();
      result.complete(new PeerConnection(peer, channel));
    });
    return result;
  }

  @Override
  public Sink<Message, CompletionStage<Done>> streamTo(Contact to) {
    Objects.requireNonNull(to, "to");
    return streamAdapters.outbound(() -> pool.connect(to).thenCompose(connection -> NettyFutures.toCompletable(
        connection.channel().newStreamBootstrap()
            .type(QuicStreamType.UNIDIRECTIONAL)
            .option(ChannelOption.AUTO_READ, false)
            .handler(new ChannelInboundHandlerAdapter())
            .create(),
        cause -> new TransportException(Kind.UNREACHABLE, "could not open a stream to " + to, cause))));
  }

  /** Closes the socket without telling peers, like a crashed process (tests of dead peers); then shuts down. */
  void crash() {
    Channel s = socket;
    if (s != null) {
      s.close();
    }
  }

  /** The pooled (dialing if needed) connection to a peer; for tests that need raw streams. */
  CompletableFuture<QuicChannel> connectionTo(Contact peer) {
    return pool.connect(peer).thenApply(PeerConnection::channel);
  }

  @Override
  public TransportStats stats() {
    return counters.snapshot(pool.size(), admission.inflightRequests(), admission.inboundBytes().inUse());
  }

  /** Handshakes completed on connections we dialed (identity-mismatched ones excluded). */
  public long handshakesDialed() {
    return counters.handshakesDialed.sum();
  }

  /** Handshakes completed on connections peers dialed to us. */
  public long handshakesAccepted() {
    return counters.handshakesAccepted.sum();
  }

  @Override
  public CompletionStage<Done> shutdown() {
    State previous = state.getAndSet(State.CLOSED);
    if (previous == State.CLOSED) {
      return terminated.minimalCompletionStage();
    }
    if (previous == State.NEW) {
      terminated.complete(Done.getInstance());
      return terminated.minimalCompletionStage();
    }
    for (RpcCall call : List.copyOf(inFlight)) {
      call.fail(Kind.CLOSED, "transport shut down", null);
    }
    bound.handle((s, bindError) -> {
      // An application close tells each peer we are leaving (it logs the reason) instead of a bare error.
      CompletableFuture<?>[] closing = pool.channels().stream()
          .map(channel -> NettyFutures.toCompletable(
              channel.close(true, CloseReason.NODE_LEAVING.code(), CloseReason.NODE_LEAVING.phrase()),
              cause -> cause))
          .toArray(CompletableFuture[]::new);
      return CompletableFuture.allOf(closing)
          .completeOnTimeout(null, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)
          .handle((ok, closeError) -> s);
    }).thenCompose(s -> s)
        .thenCompose(s -> s == null ? CompletableFuture.completedFuture(null)
            : NettyFutures.toCompletable(s.close(), cause -> cause).handle((ok, e) -> null))
        .whenComplete((ok, error) -> {
          datagrams.closeExtraSockets();
          EventLoopGroup loops = group;
          if (loops == null || loops == sharedLoops) {
            terminated.complete(Done.getInstance());
          } else {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS)
                .addListener(f -> terminated.complete(Done.getInstance()));
          }
        });
    return terminated.minimalCompletionStage();
  }

  private static TransportException asTransportException(Throwable error, String target) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause instanceof TransportException te ? te
        : new TransportException(Kind.UNREACHABLE, "could not reach " + target, cause);
  }

  /** Sets up each stream a peer opens: requests to the RPC server, message streams to the stream adapters. */
  private final class InboundStreams extends ChannelInitializer<QuicStreamChannel> {
    @Override
    protected void initChannel(QuicStreamChannel stream) {
      if (stream.type() == QuicStreamType.BIDIRECTIONAL) {
        RequestLease lease = admitRequest(stream);
        if (lease == null) {
          return;
        }
        stream.pipeline().addLast(
            new InboundBytesGate(lease, counters),
            new RpcFrames.FrameReader(counters.bytesReceived::add),
            new RpcFrames.FrameWriter(counters.bytesSent::add),
            new RpcServerHandler(inbound, counters, pathTable, lease::release));
        // Created with AUTO_READ off like every inbound stream; a request stream is read eagerly.
        stream.config().setAutoRead(true);
        return;
      }
      try {
        NodeId peer = QuicTls.peerId(stream.parent());
        inbound.onStream(peer, streamAdapters.inbound(stream));
      } catch (PeerIdentityException | RuntimeException e) {
        log.debug("refusing inbound stream: {}", e.toString());
        stream.close();
      }
    }

    /**
     * The first read of a request stream (inside {@link #initChannel}) finds it already reset when its caller gave up
     * (timed out) before we got to it, as under heavy load: counted, closed, not logged as a failed initialisation.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
      if (cause instanceof QuicStreamResetException) {
        counters.reject("request-reset-before-read");
        ctx.close();
        return;
      }
      super.exceptionCaught(ctx, cause);
    }
  }

  /**
   * Admits a request stream against its peer's request rate and in-flight limit before a byte of it is read, or
   * resets it with the limit's error code (null). The lease it returns is given back when the stream is answered or closes. An
   * unverifiable peer passes here: the RPC server refuses it with its own reason.
   */
  private RequestLease admitRequest(QuicStreamChannel stream) {
    NodeId peer;
    try {
      peer = QuicTls.peerId(stream.parent());
    } catch (PeerIdentityException e) {
      peer = null;
    }
    if (peer != null) {
      InetAddress source = ((InetSocketAddress) stream.parent().remoteSocketAddress()).getAddress();
      if (!admission.admitRequestRate(peer, source)) {
        return refuseRequest(stream, "limit-request-rate-per-peer", StreamErrors.LIMIT_REQUEST_RATE);
      }
      if (admission.admitRequest(peer) != Permits.Verdict.GRANTED) {
        return refuseRequest(stream, "limit-inflight-requests-per-peer", StreamErrors.LIMIT_INFLIGHT_REQUESTS);
      }
    }
    RequestLease lease = new RequestLease(admission, peer);
    stream.closeFuture().addListener(closed -> lease.release());
    return lease;
  }

  private RequestLease refuseRequest(QuicStreamChannel stream, String reason, int errorCode) {
    counters.reject(reason);
    stream.shutdown(errorCode).addListener(ChannelFutureListener.CLOSE);
    return null;
  }

  /** Adopts connections peers dialed to us once their certificate is verified; logs connection-level errors. */
  @ChannelHandler.Sharable
  private final class ConnectionEvents extends ChannelInboundHandlerAdapter {
    private final boolean accepted;

    ConnectionEvents(boolean accepted) {
      this.accepted = accepted;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (accepted && evt instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess()
          && ctx.channel() instanceof QuicChannel channel) {
        try {
          NodeId peer = QuicTls.peerId(channel);
          PathTable.Route route = pathTable.byStable(channel.remoteSocketAddress());
          if (route != null && !route.peer.equals(peer)) {
            // Someone else came in over a path we opened for this peer (e.g. through its relay session).
            counters.reject("path-identity-mismatch");
            channel.close();
            return;
          }
          counters.handshakesAccepted.increment();
          if (admitConnection(channel)) {
            pool.adopt(new PeerConnection(peer, channel));
          }
        } catch (PeerIdentityException e) {
          counters.reject("bad-certificate");
          channel.close();
        }
      }
      if (evt instanceof QuicConnectionCloseEvent close) {
        // Kept on the channel for the requests that fail with it; a limit refusal is worth an operator's attention.
        ctx.channel().attr(PEER_CLOSE).set(close);
        if (CloseReason.of(close).filter(reason -> reason != CloseReason.NODE_LEAVING).isPresent()) {
          log.info("peer at {} closed our connection: {}", ctx.channel().remoteAddress(),
              CloseReason.describe(close));
        } else {
          log.debug("peer at {} closed the connection: {}", ctx.channel().remoteAddress(),
              CloseReason.describe(close));
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("QUIC connection {} failed: {}", ctx.channel(), cause.toString());
    }
  }

  /** quiche's packet counters (sent, received, lost) of the pooled connection to {@code peer}; empty if none. */
  public CompletionStage<java.util.Optional<io.netty.handler.codec.quic.QuicConnectionStats>> connectionStats(
      NodeId peer) {
    return collectFromConnectionTo(peer, QuicChannel::collectStats);
  }

  /** quiche's view of the first path (rtt, cwnd, delivery rate) of the pooled connection to {@code peer}. */
  public CompletionStage<java.util.Optional<io.netty.handler.codec.quic.QuicConnectionPathStats>> pathStats(
      NodeId peer) {
    return collectFromConnectionTo(peer, channel -> channel.collectPathStats(0));
  }

  // Reads from the pool without dialing: statistics of a connection we would have to open first mean nothing.
  private <T> CompletionStage<java.util.Optional<T>> collectFromConnectionTo(NodeId peer,
      java.util.function.Function<QuicChannel, Future<T>> collect) {
    for (QuicChannel channel : pool.channels()) {
      try {
        if (channel.isActive() && peer.equals(QuicTls.peerId(channel))) {
          return NettyFutures.toCompletable(collect.apply(channel), cause -> cause).thenApply(java.util.Optional::of);
        }
      } catch (PeerIdentityException e) {
        // Unreachable: the pool holds verified connections only (their id is cached on the channel).
      }
    }
    return CompletableFuture.completedFuture(java.util.Optional.empty());
  }
}
