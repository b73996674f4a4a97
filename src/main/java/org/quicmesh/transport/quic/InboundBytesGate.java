package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import org.quicmesh.transport.limits.ByteBudget;

/**
 * First handler of an inbound request stream: every byte read is reserved from the node's {@link ByteBudget} before
 * the frame reader may buffer it, and stays reserved until the stream closes (the request is then answered or gone),
 * whichever way it ends. Bytes that do not fit refuse the stream with {@link StreamErrors#LIMIT_INBOUND_BYTES}; the
 * connection and every other stream go on.
 */
final class InboundBytesGate extends ChannelInboundHandlerAdapter {
  private final ByteBudget budget;
  private final TransportCounters counters;
  /** Touched on the stream's event loop only. */
  private long reserved;
  private boolean refused;
  private boolean closed;

  InboundBytesGate(ByteBudget budget, TransportCounters counters) {
    this.budget = budget;
    this.counters = counters;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // Close listeners run on the stream's event loop, like every read.
    ctx.channel().closeFuture().addListener(f -> releaseAll());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      ctx.fireChannelRead(msg);
      return;
    }
    int size = bytes.readableBytes();
    if (refused || closed || !budget.tryReserve(size)) {
      ReferenceCountUtil.release(msg);
      refuse(ctx);
      return;
    }
    reserved += size;
    ctx.fireChannelRead(msg);
  }

  private void refuse(ChannelHandlerContext ctx) {
    if (refused) {
      return;
    }
    refused = true;
    counters.reject("limit-inbound-bytes");
    QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
    stream.shutdown(StreamErrors.LIMIT_INBOUND_BYTES).addListener(ChannelFutureListener.CLOSE);
  }

  private void releaseAll() {
    closed = true;
    if (reserved > 0) {
      budget.release(reserved);
      reserved = 0;
    }
  }
}
