package org.quicmesh.transport.quic;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.quicmesh.identity.NodeId;
import org.quicmesh.identity.PeerIdentityException;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.wire.Limits;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.Request;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.WireCodec;
import org.quicmesh.wire.WireFormatException;

/**
 * Serves one inbound request stream: one request frame in, one response frame and FIN out. The request reaches the
 * {@link InboundHandler} only if it decodes and its {@code from} is the connection's verified peer; anything else is
 * counted and never seen by the handler. A complete frame that is refused is answered with {@link Rejected}
 * ({@code BAD_REQUEST} for an undecodable body or a non-request, {@code FROM_MISMATCH} for a spoofed {@code from}), so
 * the caller learns why at once; bytes that cannot be framed (bad or oversized length, truncation, a second frame)
 * reset the stream. Either way the connection keeps serving. The handler's stage may complete on any thread
 * and at any time: each stream waits only for its own answer.
 */
final class RpcServerHandler extends ChannelInboundHandlerAdapter {
  private final InboundHandler handler;
  private final TransportCounters counters;
  /** The observed address of a routed connection is its current path's, not its stable one. */
  private final PathTable paths;
  /** Gives back what the stream holds against the limits once the answer is out (see {@link RequestLease}). */
  private final Runnable answered;
  private boolean received;

  RpcServerHandler(InboundHandler handler, TransportCounters counters, PathTable paths, Runnable answered) {
    this.handler = handler;
    this.counters = counters;
    this.paths = paths;
    this.answered = answered;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    byte[] body = (byte[]) msg;
    if (received) {
      refuse(ctx, "malformed", StreamErrors.MALFORMED);
      return;
    }
    received = true;
    Message message;
    try {
      message = WireCodec.decode(body);
    } catch (WireFormatException e) {
      reject(ctx, "malformed", Rejected.Reason.BAD_REQUEST, "undecodable request: " + e.getMessage());
      return;
    }
    if (!(message instanceof Request request)) {
      reject(ctx, "not-a-request", Rejected.Reason.BAD_REQUEST,
          message.getClass().getSimpleName() + " is not a request");
      return;
    }
    QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
    NodeId peer;
    try {
      peer = QuicTls.peerId(stream.parent());
    } catch (PeerIdentityException e) {
      refuse(ctx, "bad-certificate", StreamErrors.BAD_CERTIFICATE);
      stream.parent().close();
      return;
    }
    if (!peer.equals(request.from().id())) {
      // A peer speaking for someone else: the protocol layers never see it.
      reject(ctx, "from-mismatch", Rejected.Reason.FROM_MISMATCH,
          "from " + request.from().id().shortHex() + " but the connection is " + peer.shortHex());
      return;
    }
    counters.requestsReceived.increment();
    InetSocketAddress observed = paths.real(stream.parent().remoteSocketAddress());
    CompletionStage<Response> answer;
    try {
      answer = handler.onRequest(new InboundRequest(peer, observed, request));
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    if (answer == null) {
      answer = CompletableFuture.failedFuture(new IllegalStateException("handler returned no stage"));
    }
    answer.whenComplete((response, error) -> respond(ctx, response, error));
  }

  private void respond(ChannelHandlerContext ctx, Response response, Throwable error) {
    QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
    if (error != null || response == null) {
      // Until the wire has an error response, a failed handler resets the stream (the caller sees REJECTED).
      stream.shutdown(StreamErrors.HANDLER_FAILED).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(response).addListener(written -> {
      if (written.isSuccess()) {
        stream.shutdownOutput().addListener(fin -> answered.run()).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      } else {
        stream.close();
      }
    });
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent && !received) {
      // FIN before one whole frame: an empty or truncated request.
      received = true;
      refuse(ctx, "malformed", StreamErrors.MALFORMED);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      received = true;
      refuse(ctx, "oversized", StreamErrors.MALFORMED);
    } else if (cause instanceof DecoderException) {
      received = true;
      refuse(ctx, "malformed", StreamErrors.MALFORMED);
    } else {
      // Stream reset by the peer or connection trouble: nothing to answer.
      ctx.close();
    }
  }

  /** Counts a refused complete request and answers it with a {@link Rejected} response. */
  private void reject(ChannelHandlerContext ctx, String counter, Rejected.Reason reason, String detail) {
    counters.reject(counter);
    String bounded = detail.length() > Limits.MAX_DETAIL_CHARS ? detail.substring(0, Limits.MAX_DETAIL_CHARS) : detail;
    respond(ctx, new Rejected(reason, bounded), null);
  }

  /** Counts input that is not a complete request and resets the stream. */
  private void refuse(ChannelHandlerContext ctx, String reason, int errorCode) {
    counters.reject(reason);
    QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
    if (stream.isActive()) {
      stream.shutdown(errorCode).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
