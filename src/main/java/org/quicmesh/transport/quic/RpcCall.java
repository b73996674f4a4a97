package org.quicmesh.transport.quic;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicConnectionStats;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.TransportException;
import org.quicmesh.transport.TransportException.Kind;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Request;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.WireCodec;
import org.quicmesh.wire.WireFormatException;

/**
 * One outbound request: opens a bidirectional stream on a pooled connection, writes the request frame and FIN, and
 * completes with the response frame. Completes exactly once; whatever completes it first (reply, failure, timeout,
 * shutdown) wins, and an unfinished stream is then reset.
 */
final class RpcCall {
  private final Request request;
  private final String target;
  private final TransportCounters counters;
  private final CompletableFuture<Reply> result = new CompletableFuture<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile QuicStreamChannel stream;
  private volatile long startedNanos;
  /** Replies name the real address of a routed connection's current path, not its stable one. */
  private final PathTable paths;
  private volatile PeerConnection connection;
  /** Packets the connection had received when the request was written; -1 until known. */
  private volatile long packetsReceivedAtSend = -1;

  RpcCall(Request request, String target, TransportCounters counters, PathTable paths) {
    this.request = request;
    this.target = target;
    this.counters = counters;
    this.paths = paths;
  }

  CompletableFuture<Reply> result() {
    return result;
  }

  void fail(Kind kind, String message, Throwable cause) {
    fail(new TransportException(kind, message, cause));
  }

  /** Fails the call unless it already completed: counts it and resets an unfinished stream first. */
  void fail(Throwable error) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    // Counters and the stream are settled before anyone waiting on the result wakes up.
    counters.requestsFailed.increment();
    QuicStreamChannel open = stream;
    if (open != null && open.isActive()) {
      open.shutdown(StreamErrors.CANCELLED).addListener(f -> open.close());
    }
    result.completeExceptionally(error);
  }

  private void succeed(Reply reply) {
    if (finished.compareAndSet(false, true)) {
      result.complete(reply);
    }
  }

  /** Sends the request over {@code connection}, once the peer's stream credit allows ({@link StreamCredit}). */
  void start(PeerConnection connection) {
    if (finished.get()) {
      return;
    }
    try {
      StreamCredit.of(connection.channel()).whenAvailable(() -> open(connection));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      fail(Kind.CLOSED, "transport is shutting down", e);
    }
  }

  private void open(PeerConnection connection) {
    if (finished.get()) {
      return; // timed out while waiting for credit: no stream spent on it
    }
    connection.channel().createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInitializer<QuicStreamChannel>() {
      @Override
      protected void initChannel(QuicStreamChannel ch) {
        ch.pipeline().addLast(
            new RpcFrames.FrameReader(counters.bytesReceived::add),
            new RpcFrames.FrameWriter(counters.bytesSent::add),
            new ResponseHandler(connection));
      }
    }).addListener(created -> {
      if (!created.isSuccess()) {
        fail(Kind.UNREACHABLE, "could not open a stream to " + target, created.cause());
        return;
      }
      QuicStreamChannel ch = (QuicStreamChannel) created.getNow();
      stream = ch;
      if (finished.get()) {
        ch.close();
        return;
      }
      startedNanos = System.nanoTime();
      this.connection = connection;
      // On the connection's event loop this completes at once: the baseline for telling a dead connection apart.
      connection.channel().collectStats().addListener(stats -> {
        if (stats.isSuccess()) {
          packetsReceivedAtSend = ((QuicConnectionStats) stats.getNow()).recv();
        }
      });
      ch.writeAndFlush(request).addListener(written -> {
        if (!written.isSuccess()) {
          fail(Kind.UNREACHABLE, "writing the request to " + target + " failed", written.cause());
          return;
        }
        ch.shutdownOutput().addListener(fin -> {
          if (!fin.isSuccess()) {
            fail(Kind.UNREACHABLE, "finishing the request to " + target + " failed", fin.cause());
          }
        });
      });
    });
  }

  /**
   * The connection this request went out on if it received no packet at all since then (not even an ACK): the peer is
   * gone (e.g. restarted) though the connection looks active until its idle timeout. Completes with null otherwise,
   * or when unknown (the request never went out).
   */
  CompletableFuture<PeerConnection> silentConnection() {
    PeerConnection sentOn = connection;
    long baseline = packetsReceivedAtSend;
    if (finished.get() || sentOn == null || baseline < 0 || !sentOn.channel().isActive()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<PeerConnection> result = new CompletableFuture<>();
    sentOn.channel().collectStats().addListener(stats -> result.complete(
        stats.isSuccess() && ((QuicConnectionStats) stats.getNow()).recv() == baseline ? sentOn : null));
    return result;
  }

  /** The last handler of the request stream: turns the response frame (or its absence) into the result. */
  private final class ResponseHandler extends ChannelInboundHandlerAdapter {
    private final PeerConnection connection;

    ResponseHandler(PeerConnection connection) {
      this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Message message;
      try {
        message = WireCodec.decode((byte[]) msg);
      } catch (WireFormatException e) {
        fail(Kind.MALFORMED, target + " sent an undecodable response", e);
        ctx.close();
        return;
      }
      if (message instanceof Response response) {
        Duration rtt = Duration.ofNanos(System.nanoTime() - startedNanos);
        InetSocketAddress address = paths.real(connection.channel().remoteSocketAddress());
        succeed(new Reply(connection.peer(), address, response, rtt));
      } else {
        fail(Kind.MALFORMED, target + " answered with a request", null);
      }
      ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      String refusal = cause instanceof QuicStreamResetException reset
          ? StreamErrors.refusal(reset.applicationProtocolCode()) : null;
      if (cause instanceof DecoderException) {
        fail(Kind.MALFORMED, target + " sent a malformed response frame", cause);
      } else if (refusal != null) {
        fail(Kind.REJECTED, target + " refused the request: " + refusal, cause);
      } else {
        fail(Kind.REJECTED, target + " reset the request stream", cause);
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      QuicConnectionCloseEvent closed = connection.channel().attr(QuicTransport.PEER_CLOSE).get();
      if (connection.channel().isActive()) {
        fail(Kind.REJECTED, target + " closed the request stream without answering", null);
      } else if (closed != null && CloseReason.of(closed).filter(r -> r != CloseReason.NODE_LEAVING).isPresent()) {
        fail(Kind.REJECTED, target + " refused the connection: " + CloseReason.describe(closed), null);
      } else if (closed != null) {
        fail(Kind.UNREACHABLE, target + " closed the connection: " + CloseReason.describe(closed), null);
      } else {
        fail(Kind.UNREACHABLE, "connection to " + target + " was lost", null);
      }
      ctx.fireChannelInactive();
    }
  }
}
