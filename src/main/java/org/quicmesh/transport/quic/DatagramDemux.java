package org.quicmesh.transport.quic;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/**
 * Nearest the socket in the pipeline {@code demux, serverCodec, bridge, clientCodec}. Netty's QUIC codecs each
 * consume every datagram they see and do not pass read-complete on, so two of them can share one socket only if
 * something beneath them hands each packet straight to the right one: client-prefixed destination connection ids to
 * the client codec (through the {@link CodecBridge}'s context), other QUIC to the server codec, STUN and probes to
 * {@link Datagrams}. Read-complete goes to both codecs (they flush their connections on it).
 */
final class DatagramDemux extends ChannelInboundHandlerAdapter {
  private final CodecBridge bridge;
  private final Datagrams datagrams;
  private ChannelHandlerContext clientSide;

  DatagramDemux(CodecBridge bridge, Datagrams datagrams) {
    this.bridge = bridge;
    this.datagrams = datagrams;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket packet)) {
      ctx.fireChannelRead(msg);
      return;
    }
    PacketClass packetClass = PacketClassifier.classify(packet.content());
    switch (packetClass) {
      case QUIC_SERVER -> ctx.fireChannelRead(packet);
      case QUIC_CLIENT -> clientSide(ctx).fireChannelRead(packet);
      default -> {
        try {
          datagrams.dispatch(packetClass, packet.content(), packet.sender(), packet.recipient());
        } finally {
          ReferenceCountUtil.release(packet);
        }
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
    clientSide(ctx).fireChannelReadComplete();
  }

  private ChannelHandlerContext clientSide(ChannelHandlerContext ctx) {
    if (clientSide == null) {
      clientSide = ctx.pipeline().context(bridge);
    }
    return clientSide;
  }
}
