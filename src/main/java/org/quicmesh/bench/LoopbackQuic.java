package org.quicmesh.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelBootstrap;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.ClientAuth;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.quicmesh.identity.Certificates;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.PeerIdentityException;

/**
 * One QUIC server and one client connected to it on 127.0.0.1, with mutual Ed25519 TLS (DESIGN section 4 recipe), for
 * stream tests and benchmarks until the real transport exists. Inbound streams on the server are created with
 * {@code autoRead=false} and handed out through {@link #nextServerStream}.
 */
public final class LoopbackQuic implements AutoCloseable {
  private static final String ALPN = "quicmesh";
  private static final String ALIAS = "node";

  private final EventLoopGroup serverGroup;
  private final EventLoopGroup clientGroup;
  private final Channel serverSocket;
  private final Channel clientSocket;
  private final QuicChannel client;
  private final QuicChannel server;
  private final BlockingQueue<QuicStreamChannel> serverStreams;

  private LoopbackQuic(EventLoopGroup serverGroup, EventLoopGroup clientGroup, Channel serverSocket,
      Channel clientSocket, QuicChannel client, QuicChannel server, BlockingQueue<QuicStreamChannel> serverStreams) {
    this.serverGroup = serverGroup;
    this.clientGroup = clientGroup;
    this.serverSocket = serverSocket;
    this.clientSocket = clientSocket;
    this.client = client;
    this.server = server;
    this.serverStreams = serverStreams;
  }

  public static LoopbackQuic start(QuicTuning tuning) throws Exception {
    Quic.ensureAvailability();
    if (tuning.epoll() && !io.netty.channel.epoll.Epoll.isAvailable()) {
      throw new IllegalStateException("epoll requested but not available", io.netty.channel.epoll.Epoll.unavailabilityCause());
    }
    // Separate single-thread loops so sender and receiver run on both cores.
    EventLoopGroup serverGroup = newGroup(tuning);
    EventLoopGroup clientGroup = newGroup(tuning);
    try {
      Keypair serverKey = Keypair.generate();
      Keypair clientKey = Keypair.generate();
      BlockingQueue<QuicStreamChannel> serverStreams = new LinkedBlockingQueue<>();
      CompletableFuture<QuicChannel> serverConnection = new CompletableFuture<>();

      QuicServerCodecBuilder serverCodec = configure(new QuicServerCodecBuilder(), tuning)
          .sslContext(serverContext(serverKey))
          .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
          .handler(new ChannelInitializer<QuicChannel>() {
            @Override
            protected void initChannel(QuicChannel ch) {
              serverConnection.complete(ch);
            }
          })
          .streamOption(ChannelOption.AUTO_READ, false)
          .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel ch) {
              serverStreams.add(ch);
            }
          });
      if (tuning.gso()) {
        serverCodec.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR,
            EpollQuicUtils.newSegmentedAllocator(64));
      }
      Channel serverSocket = datagramBootstrap(serverGroup, tuning, serverCodec.build())
          .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();

      ChannelHandler clientCodec = configure(new QuicClientCodecBuilder(), tuning)
          .sslContext(clientContext(clientKey))
          .build();
      Channel clientSocket = datagramBootstrap(clientGroup, tuning, clientCodec)
          .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
      QuicChannelBootstrap connect = QuicChannel.newBootstrap(clientSocket)
          .handler(new ChannelInboundHandlerAdapter())
          .streamHandler(new ChannelInboundHandlerAdapter())
          .remoteAddress(serverSocket.localAddress());
      if (tuning.gso()) {
        connect.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR,
            EpollQuicUtils.newSegmentedAllocator(64));
      }
      QuicChannel client = connect.connect().get(10, TimeUnit.SECONDS);
      QuicChannel server = serverConnection.get(10, TimeUnit.SECONDS);
      // The peer chains are verified by the trust managers; check the binding once more from the engine.
      X509Certificate seen = (X509Certificate) client.sslEngine().getSession().getPeerCertificates()[0];
      if (!Certificates.nodeIdOf(seen).equals(serverKey.nodeId())) {
        throw new IllegalStateException("client sees the wrong server identity");
      }
      return new LoopbackQuic(serverGroup, clientGroup, serverSocket, clientSocket, client, server, serverStreams);
    } catch (Exception | Error e) {
      serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The client's connection. */
  public QuicChannel client() {
    return client;
  }

  /** The server's side of the same connection. */
  public QuicChannel server() {
    return server;
  }

  /** Opens a bidirectional stream from the client (autoRead off, no handlers). */
  public QuicStreamChannel openClientStream() throws Exception {
    return open(client);
  }

  /** Opens a bidirectional stream from the server (autoRead off, no handlers). */
  public QuicStreamChannel openServerStream() throws Exception {
    return open(server);
  }

  private static QuicStreamChannel open(QuicChannel connection) throws Exception {
    return connection.newStreamBootstrap()
        .type(QuicStreamType.BIDIRECTIONAL)
        .option(ChannelOption.AUTO_READ, false)
        .handler(new ChannelInboundHandlerAdapter())
        .create().get(10, TimeUnit.SECONDS);
  }

  /** The next stream the client opened toward the server, as the server sees it (once data or FIN arrived). */
  public QuicStreamChannel nextServerStream(long timeout, TimeUnit unit) throws InterruptedException {
    QuicStreamChannel ch = serverStreams.poll(timeout, unit);
    if (ch == null) {
      throw new IllegalStateException("no inbound stream within " + timeout + " " + unit);
    }
    return ch;
  }

  /** The client's connection closes; closing its socket as well tears down both ends' sockets on {@link #close()}. */
  @Override
  public void close() {
    try {
      client.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      clientSocket.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      serverSocket.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    } finally {
      clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      serverGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  private static EventLoopGroup newGroup(QuicTuning tuning) {
    return new MultiThreadIoEventLoopGroup(1, tuning.epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  private static <B extends QuicCodecBuilder<B>> B configure(B builder, QuicTuning tuning) {
    return builder
        .maxIdleTimeout(30, TimeUnit.SECONDS)
        .maxSendUdpPayloadSize(tuning.maxUdpPayload())
        .maxRecvUdpPayloadSize(tuning.maxUdpPayload())
        .initialMaxData(tuning.initialMaxData())
        .initialMaxStreamDataBidirectionalLocal(tuning.initialMaxStreamData())
        .initialMaxStreamDataBidirectionalRemote(tuning.initialMaxStreamData())
        .initialMaxStreamDataUnidirectional(tuning.initialMaxStreamData())
        .initialMaxStreamsBidirectional(1000)
        .initialMaxStreamsUnidirectional(1000)
        .congestionControlAlgorithm(tuning.congestionControl());
  }

  private static Bootstrap datagramBootstrap(EventLoopGroup group, QuicTuning tuning, ChannelHandler codec) {
    Bootstrap b = new Bootstrap().group(group)
        .channel(tuning.epoll() ? EpollDatagramChannel.class : NioDatagramChannel.class)
        // Netty's datagram default reads 2 KB: larger QUIC datagrams would be cut and the transfer stalls.
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(tuning.receiveBufferBytes()))
        .handler(codec);
    if (tuning.socketBufferBytes() > 0) {
      b.option(ChannelOption.SO_RCVBUF, tuning.socketBufferBytes())
          .option(ChannelOption.SO_SNDBUF, tuning.socketBufferBytes());
    }
    if (tuning.gro()) {
      b.option(EpollChannelOption.UDP_GRO, true);
    }
    return b;
  }

  private static QuicSslContext serverContext(Keypair key) {
    return QuicSslContextBuilder.forServer(new OneKeyManager(key), null)
        .trustManager(new SelfSignedTrustManager())
        .clientAuth(ClientAuth.REQUIRE)
        .applicationProtocols(ALPN)
        .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, new String[] {"ed25519"})
        .build();
  }

  private static QuicSslContext clientContext(Keypair key) {
    return QuicSslContextBuilder.forClient()
        .keyManager(new OneKeyManager(key), null)
        .trustManager(new SelfSignedTrustManager())
        .applicationProtocols(ALPN)
        .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, new String[] {"ed25519"})
        .build();
  }

  /** Offers our one Ed25519 key whatever key type BoringSSL asks for (its default map knows only RSA/EC). */
  private static final class OneKeyManager extends X509ExtendedKeyManager {
    private final PrivateKey key;
    private final X509Certificate[] chain;

    OneKeyManager(Keypair keypair) {
      this.key = keypair.jcaKeyPair().getPrivate();
      this.chain = new X509Certificate[] {Certificates.selfSigned(keypair)};
    }

    @Override
    public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, java.security.Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, java.security.Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return key;
    }
  }

  /** Accepts exactly a valid self-signed Ed25519 certificate; the NodeId binding is checked by the caller. */
  private static final class SelfSignedTrustManager extends X509ExtendedTrustManager {
    private static void check(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("no peer certificate");
      }
      try {
        Certificates.verifySelfSigned(chain[0]);
      } catch (PeerIdentityException e) {
        throw new CertificateException(e.getMessage(), e);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
