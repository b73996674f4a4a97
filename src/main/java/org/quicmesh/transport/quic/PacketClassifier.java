package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import org.quicmesh.transport.DatagramKind;

/**
 * Classifies one datagram from its first bytes without consuming it. Pure, and allocation-free for QUIC packets: it
 * runs for every packet the node receives.
 */
public final class PacketClassifier {
  private static final int MAX_QUIC_CID = 20;

  private PacketClassifier() {}

  public static PacketClass classify(ByteBuf packet) {
    int start = packet.readerIndex();
    int length = packet.readableBytes();
    if (length == 0) {
      return PacketClass.UNKNOWN;
    }
    int first = packet.getUnsignedByte(start);
    if ((first & 0x80) != 0) {
      // Long header: flags(1) version(4) dcid-length(1) dcid.
      if (length < 7) {
        return PacketClass.UNKNOWN;
      }
      int dcidLength = packet.getUnsignedByte(start + 5);
      if (dcidLength == 0 || dcidLength > MAX_QUIC_CID || length < 6 + dcidLength) {
        return PacketClass.UNKNOWN;
      }
      return ConnectionIds.isClientId(packet.getByte(start + 6)) ? PacketClass.QUIC_CLIENT : PacketClass.QUIC_SERVER;
    }
    if ((first & 0x40) != 0) {
      // Short header (fixed bit set): flags(1) dcid of our fixed length.
      if (length < 1 + ConnectionIds.LENGTH) {
        return PacketClass.UNKNOWN;
      }
      return ConnectionIds.isClientId(packet.getByte(start + 1)) ? PacketClass.QUIC_CLIENT : PacketClass.QUIC_SERVER;
    }
    // Not QUIC: DatagramKind is the one definition, read in place (the listeners' copy is made once, at dispatch).
    return DatagramKind.of(packet.nioBuffer(start, length))
        .map(kind -> switch (kind) {
          case STUN -> PacketClass.STUN;
          case PROBE -> PacketClass.PROBE;
          case RELAY -> PacketClass.RELAY;
        })
        .orElse(PacketClass.UNKNOWN);
  }
}
