package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.concurrent.PromiseCombiner;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.RelayFrame;

/**
 * The outbound half of the path layer, nearest the socket: a QUIC packet for a peer's stable address leaves over
 * the peer's current path, straight to its address or in a relay frame to its relay. Everything else passes
 * untouched. The inbound half is in {@link DatagramDemux}.
 */
@ChannelHandler.Sharable
final class PathRouter extends ChannelOutboundHandlerAdapter {
  private final PathTable table;

  PathRouter(PathTable table) {
    this.table = table;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof DatagramPacket packet) {
      PathTable.Route route = table.byStable(packet.recipient());
      if (route != null && packet instanceof SegmentedDatagramPacket train) {
        writeTrain(ctx, route, train, promise);
        return;
      }
      if (route != null) {
        table.learnSource(route, packet.content());
        ctx.write(over(ctx, route.path, packet), promise);
        return;
      }
    }
    ctx.write(msg, promise);
  }

  /**
   * A train of QUIC packets for one segmented send (GSO): straight to a direct path as one send, but one relay frame
   * per packet through a relay (a frame carries exactly one QUIC packet).
   */
  private void writeTrain(ChannelHandlerContext ctx, PathTable.Route route, SegmentedDatagramPacket train,
      ChannelPromise promise) {
    ByteBuf content = train.content();
    int size = train.segmentSize();
    for (int offset = content.readerIndex(); offset < content.writerIndex(); offset += size) {
      table.learnSource(route, content.slice(offset, Math.min(size, content.writerIndex() - offset)));
    }
    if (!(route.path instanceof Path.Relayed relayed)) {
      ctx.write(new io.netty.channel.epoll.SegmentedDatagramPacket(content, size, route.path.via()), promise);
      return;
    }
    PromiseCombiner frames = new PromiseCombiner(ctx.executor());
    try {
      for (int offset = content.readerIndex(); offset < content.writerIndex(); offset += size) {
        ByteBuf one = content.retainedSlice(offset, Math.min(size, content.writerIndex() - offset));
        frames.add(ctx.write(relayed(ctx, relayed, one)));
      }
    } finally {
      content.release();
    }
    frames.finish(promise);
  }

  /** The packet as it leaves over {@code path}; takes ownership of {@code packet}. */
  static DatagramPacket over(ChannelHandlerContext ctx, Path path, DatagramPacket packet) {
    if (path instanceof Path.Relayed relayed) {
      return relayed(ctx, relayed, packet.content());
    }
    return new DatagramPacket(packet.content(), path.via());
  }

  private static DatagramPacket relayed(ChannelHandlerContext ctx, Path.Relayed path, ByteBuf payload) {
    try {
      ByteBuf frame = ctx.alloc().ioBuffer(RelayFrame.HEADER_BYTES + payload.readableBytes());
      frame.writeBytes(RelayFrame.header(RelayFrame.Direction.TO_RELAY, path.session()));
      frame.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
      return new DatagramPacket(frame, path.relayAddress());
    } finally {
      payload.release();
    }
  }
}
