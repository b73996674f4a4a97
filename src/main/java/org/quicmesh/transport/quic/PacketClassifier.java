package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;

/**
 * Classifies one datagram from its first bytes without consuming it. Pure and allocation-free: it runs for every
 * packet the node receives.
 */
public final class PacketClassifier {
  /** RFC 5389 magic cookie, at bytes 4-7 of every STUN message. */
  public static final int STUN_MAGIC_COOKIE = 0x2112A442;
  private static final int STUN_HEADER_BYTES = 20;

  /**
   * How our own probe datagrams start: a zero byte (first two bits 00, so never QUIC), "QMP", and a version byte.
   * Byte 4 is 0x01, never the cookie's 0x21, so a probe can never look like STUN.
   */
  static final byte[] PROBE_MAGIC = {0x00, 'Q', 'M', 'P', 0x01};

  private static final int MAX_QUIC_CID = 20;

  private PacketClassifier() {}

  /** The prefix a probe datagram must start with (a copy). */
  public static byte[] probeMagic() {
    return PROBE_MAGIC.clone();
  }

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
    if (isStun(packet, start, length)) {
      return PacketClass.STUN;
    }
    if (hasProbeMagic(packet, start, length)) {
      return PacketClass.PROBE;
    }
    return PacketClass.UNKNOWN;
  }

  private static boolean isStun(ByteBuf packet, int start, int length) {
    if (length < STUN_HEADER_BYTES || packet.getInt(start + 4) != STUN_MAGIC_COOKIE) {
      return false;
    }
    int bodyLength = packet.getUnsignedShort(start + 2);
    // STUN bodies are 4-byte aligned and one message fills the datagram.
    return (bodyLength & 3) == 0 && bodyLength + STUN_HEADER_BYTES <= length;
  }

  private static boolean hasProbeMagic(ByteBuf packet, int start, int length) {
    if (length < PROBE_MAGIC.length) {
      return false;
    }
    for (int i = 0; i < PROBE_MAGIC.length; i++) {
      if (packet.getByte(start + i) != PROBE_MAGIC[i]) {
        return false;
      }
    }
    return true;
  }
}
