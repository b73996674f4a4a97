package org.quicmesh.transport;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The raw datagrams a node's one UDP socket carries beside QUIC, told apart by their first bytes. Neither can be
 * mistaken for QUIC: both start with the two bits 00, while every QUIC packet sets the fixed bit 0x40.
 */
public enum DatagramKind {
  /** RFC 8489 STUN: first two bits 00, the magic cookie at bytes 4-7, a 4-byte aligned body filling the datagram. */
  STUN,
  /** Our own path probes and hole-punch packets: they start with {@link #PROBE_MAGIC}. */
  PROBE,
  /** A datagram travelling through a relay session, see {@link RelayFrame}. */
  RELAY;

  public static final int STUN_MAGIC_COOKIE = 0x2112A442;
  static final int STUN_HEADER_BYTES = 20;

  /** A zero byte (never QUIC), "QMP", a version byte; byte 4 is 0x01, never the cookie's 0x21, so never STUN. */
  private static final byte[] PROBE_MAGIC = {0x00, 'Q', 'M', 'P', 0x01};

  /** The prefix a probe datagram must start with (a copy). */
  public static byte[] probeMagic() {
    return PROBE_MAGIC.clone();
  }

  /** What {@code datagram} is, if it is one of these kinds. */
  public static Optional<DatagramKind> of(byte[] datagram) {
    return of(ByteBuffer.wrap(datagram));
  }

  /** What the datagram between {@code d}'s position and limit is (read without moving the position, no copy). */
  public static Optional<DatagramKind> of(ByteBuffer d) {
    if (isStun(d)) {
      return Optional.of(STUN);
    }
    if (hasProbeMagic(d)) {
      return Optional.of(PROBE);
    }
    if (RelayFrame.matches(d)) {
      return Optional.of(RELAY);
    }
    return Optional.empty();
  }

  private static boolean isStun(ByteBuffer d) {
    int at = d.position();
    int length = d.remaining();
    if (length < STUN_HEADER_BYTES || (d.get(at) & 0xC0) != 0) {
      return false;
    }
    int bodyLength = d.getShort(at + 2) & 0xFFFF;
    return d.getInt(at + 4) == STUN_MAGIC_COOKIE && (bodyLength & 3) == 0 && bodyLength + STUN_HEADER_BYTES <= length;
  }

  private static boolean hasProbeMagic(ByteBuffer d) {
    if (d.remaining() < PROBE_MAGIC.length) {
      return false;
    }
    for (int i = 0; i < PROBE_MAGIC.length; i++) {
      if (d.get(d.position() + i) != PROBE_MAGIC[i]) {
        return false;
      }
    }
    return true;
  }
}
