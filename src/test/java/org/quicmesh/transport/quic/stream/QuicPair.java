package org.quicmesh.transport.quic.stream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.quicmesh.identity.Certificates;
import org.quicmesh.identity.Keypair;
import org.quicmesh.transport.quic.QuicTls;
import org.quicmesh.transport.quic.QuicTransportConfig;

/**
 * One raw QUIC connection between two sockets on 127.0.0.1 with the transport's mutual Ed25519 TLS ({@link QuicTls})
 * and {@link QuicTransportConfig} parameters, for testing the stream stages without the transport around them.
 * Inbound server streams are created with {@code autoRead=false} and handed out through {@link #nextServerStream}.
 */
final class QuicPair implements AutoCloseable {
  private final EventLoopGroup serverGroup;
  private final EventLoopGroup clientGroup;
  private final Channel serverSocket;
  private final Channel clientSocket;
  private final QuicChannel client;
  private final QuicChannel server;
  private final BlockingQueue<QuicStreamChannel> serverStreams;

  private QuicPair(EventLoopGroup serverGroup, EventLoopGroup clientGroup, Channel serverSocket, Channel clientSocket,
      QuicChannel client, QuicChannel server, BlockingQueue<QuicStreamChannel> serverStreams) {
    this.serverGroup = serverGroup;
    this.clientGroup = clientGroup;
    this.serverSocket = serverSocket;
    this.clientSocket = clientSocket;
    this.client = client;
    this.server = server;
    this.serverStreams = serverStreams;
  }

  static QuicPair start(QuicTransportConfig config) throws Exception {
    Quic.ensureAvailability();
    // Separate single-thread loops so sender and receiver run on both cores.
    EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Keypair serverKey = Keypair.generate();
      Keypair clientKey = Keypair.generate();
      BlockingQueue<QuicStreamChannel> serverStreams = new LinkedBlockingQueue<>();
      CompletableFuture<QuicChannel> serverConnection = new CompletableFuture<>();
      ChannelHandler serverCodec = configure(new QuicServerCodecBuilder(), config)
          .sslContext(QuicTls.serverContext(serverKey, Certificates.selfSigned(serverKey)))
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
          })
          .build();
      Channel serverSocket = socket(serverGroup, config, serverCodec);
      ChannelHandler clientCodec = configure(new QuicClientCodecBuilder(), config)
          .sslContext(QuicTls.clientContext(clientKey, Certificates.selfSigned(clientKey)))
          .build();
      Channel clientSocket = socket(clientGroup, config, clientCodec);
      QuicChannel client = QuicChannel.newBootstrap(clientSocket)
          .handler(new ChannelInboundHandlerAdapter())
          .streamHandler(new ChannelInboundHandlerAdapter())
          .remoteAddress(serverSocket.localAddress())
          .connect().get(10, TimeUnit.SECONDS);
      QuicChannel server = serverConnection.get(10, TimeUnit.SECONDS);
      if (!QuicTls.peerId(client).equals(serverKey.nodeId())) {
        throw new IllegalStateException("client sees the wrong server identity");
      }
      return new QuicPair(serverGroup, clientGroup, serverSocket, clientSocket, client, server, serverStreams);
    } catch (Exception | Error e) {
      serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static <B extends QuicCodecBuilder<B>> B configure(B builder, QuicTransportConfig config) {
    return builder
        .maxIdleTimeout(config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .maxSendUdpPayloadSize(config.maxSendUdpPayloadSize())
        .maxRecvUdpPayloadSize(config.maxRecvUdpPayloadSize())
        .initialMaxData(config.initialMaxData())
        .initialMaxStreamDataBidirectionalLocal(config.initialMaxStreamData())
        .initialMaxStreamDataBidirectionalRemote(config.initialMaxStreamData())
        .initialMaxStreamDataUnidirectional(config.initialMaxStreamData())
        .initialMaxStreamsBidirectional(config.maxStreamsBidirectional())
        .initialMaxStreamsUnidirectional(config.maxStreamsUnidirectional());
  }

  private static Channel socket(EventLoopGroup group, QuicTransportConfig config, ChannelHandler codec)
      throws InterruptedException {
    return new Bootstrap().group(group)
        .channel(NioDatagramChannel.class)
        // Netty's datagram default reads 2 KB: larger QUIC datagrams would be cut and the transfer stalls.
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.maxRecvUdpPayloadSize()))
        .option(ChannelOption.SO_RCVBUF, config.socketReceiveBufferBytes())
        .handler(codec)
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  /** The client's connection. */
  QuicChannel client() {
    return client;
  }

  /** The server's side of the same connection. */
  QuicChannel server() {
    return server;
  }

  /** Opens a bidirectional stream from the client (autoRead off, no handlers). */
  QuicStreamChannel openClientStream() throws Exception {
    return openClientStream(QuicStreamType.BIDIRECTIONAL);
  }

  /** Opens a stream of the given type from the client (autoRead off, no handlers). */
  QuicStreamChannel openClientStream(QuicStreamType type) throws Exception {
    return client.newStreamBootstrap()
        .type(type)
        .option(ChannelOption.AUTO_READ, false)
        .handler(new ChannelInboundHandlerAdapter())
        .create().get(10, TimeUnit.SECONDS);
  }

  /** The next stream the client opened toward the server, as the server sees it (once data or FIN arrived). */
  QuicStreamChannel nextServerStream(long timeout, TimeUnit unit) throws InterruptedException {
    QuicStreamChannel ch = serverStreams.poll(timeout, unit);
    if (ch == null) {
      throw new IllegalStateException("no inbound stream within " + timeout + " " + unit);
    }
    return ch;
  }

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
}
