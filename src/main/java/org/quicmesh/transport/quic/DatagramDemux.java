package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.quicmesh.transport.RelayFrame;

/**
 * Nearest the socket in the pipeline {@code demux, serverCodec, bridge, clientCodec}. Netty's QUIC codecs each
 * consume every datagram they see and do not pass read-complete on, so two of them can share one socket only if
 * something beneath them hands each packet straight to the right one: client-prefixed destination connection ids to
 * the client codec (through the {@link CodecBridge}'s context), other QUIC to the server codec, STUN, probes and
 * relay frames for a relay we run to {@link Datagrams}. Read-complete goes to both codecs (they flush their
 * connections on it).
 *
 * <p>It is also the inbound half of the path layer ({@link PathRouter} is the outbound one): a QUIC packet of a routed
 * peer's connection, whether it came straight from the peer or out of a relay frame, reaches its codec as if from the
 * peer's stable address, so the connection never sees its path change.
 */
final class DatagramDemux extends ChannelInboundHandlerAdapter {
  private static final int LONG_HEADER_DCID_AT = 6;
  private static final int SHORT_HEADER_DCID_AT = 1;

  private final CodecBridge bridge;
  private final Datagrams datagrams;
  private final PathTable paths;
  private final TransportCounters counters;
  private ChannelHandlerContext clientSide;

  DatagramDemux(CodecBridge bridge, Datagrams datagrams, PathTable paths, TransportCounters counters) {
    this.bridge = bridge;
    this.datagrams = datagrams;
    this.paths = paths;
    this.counters = counters;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket packet)) {
      ctx.fireChannelRead(msg);
      return;
    }
    PacketClass packetClass = PacketClassifier.classify(packet.content());
    if (packetClass == PacketClass.QUIC_SERVER || packetClass == PacketClass.QUIC_CLIENT) {
      toCodec(ctx, packetClass, fromRoutedPeer(packet));
    } else if (packetClass == PacketClass.RELAY && isFromRelay(packet.content())) {
      unwrapRelayed(ctx, packet);
    } else {
      try {
        datagrams.dispatch(packetClass, packet.content(), packet.sender(), packet.recipient());
      } finally {
        ReferenceCountUtil.release(packet);
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
    clientSide(ctx).fireChannelReadComplete();
  }

  private void toCodec(ChannelHandlerContext ctx, PacketClass packetClass, DatagramPacket packet) {
    if (packetClass == PacketClass.QUIC_CLIENT) {
      clientSide(ctx).fireChannelRead(packet);
    } else {
      ctx.fireChannelRead(packet);
    }
  }

  /** The packet as from its peer's stable address when it belongs to a routed connection, else unchanged. */
  private DatagramPacket fromRoutedPeer(DatagramPacket packet) {
    ByteBuf content = packet.content();
    boolean longHeader = (content.getUnsignedByte(content.readerIndex()) & 0x80) != 0;
    if (longHeader && content.getUnsignedByte(content.readerIndex() + 5) != ConnectionIds.LENGTH) {
      return packet;
    }
    PathTable.Route route = paths.byDestination(content, longHeader ? LONG_HEADER_DCID_AT : SHORT_HEADER_DCID_AT);
    if (route == null || route.stable.equals(packet.sender())) {
      return packet;
    }
    return new DatagramPacket(content, packet.recipient(), route.stable);
  }

  private static boolean isFromRelay(ByteBuf content) {
    return content.getByte(content.readerIndex() + RelayFrame.DIRECTION_AT) == RelayFrame.Direction.FROM_RELAY.code();
  }

  /** A frame a relay passed us: its QUIC packet goes to its codec as from the session's peer. */
  private void unwrapRelayed(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf content = packet.content();
    try {
      long session = content.getLong(content.readerIndex() + RelayFrame.SESSION_AT);
      PathTable.Route route = paths.fromRelay(packet.sender(), session);
      if (route == null) {
        counters.reject("relay-unknown-session");
        return;
      }
      ByteBuf inner = content.retainedSlice(content.readerIndex() + RelayFrame.HEADER_BYTES,
          content.readableBytes() - RelayFrame.HEADER_BYTES);
      PacketClass innerClass = PacketClassifier.classify(inner);
      if (innerClass == PacketClass.QUIC_SERVER || innerClass == PacketClass.QUIC_CLIENT) {
        toCodec(ctx, innerClass, new DatagramPacket(inner, packet.recipient(), route.stable));
        return;
      }
      try {
        if (innerClass == PacketClass.PROBE) {
          // A path probe sent over the relay path: it reaches the probe listeners as from the relay.
          datagrams.dispatch(innerClass, inner, packet.sender(), packet.recipient());
        } else {
          counters.reject("relay-unexpected-payload");
        }
      } finally {
        inner.release();
      }
    } finally {
      packet.release();
    }
  }

  private ChannelHandlerContext clientSide(ChannelHandlerContext ctx) {
    if (clientSide == null) {
      clientSide = ctx.pipeline().context(bridge);
    }
    return clientSide;
  }
}
