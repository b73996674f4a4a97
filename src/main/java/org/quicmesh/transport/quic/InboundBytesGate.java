package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * First handler of an inbound request stream: every byte read is reserved in the stream's {@link RequestLease}
 * (from the node's inbound budget) before the frame reader may buffer it. Bytes that do not fit refuse the stream
 * with {@link StreamErrors#LIMIT_INBOUND_BYTES}; the connection and every other stream go on. Bytes arriving after the
 * lease ended (the request was answered) are dropped: nothing more is read from an answered stream.
 */
final class InboundBytesGate extends ChannelInboundHandlerAdapter {
  private final RequestLease lease;
  private final TransportCounters counters;
  /** Touched on the stream's event loop only. */
  private boolean refused;

  InboundBytesGate(RequestLease lease, TransportCounters counters) {
    this.lease = lease;
    this.counters = counters;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (refused || lease.released()) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!lease.tryReserve(bytes.readableBytes())) {
      ReferenceCountUtil.release(msg);
      refused = true;
      counters.reject("limit-inbound-bytes");
      QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
      stream.shutdown(StreamErrors.LIMIT_INBOUND_BYTES).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
