package org.quicmesh.transport;

import java.util.Optional;

/**
 * The raw datagrams a node's one UDP socket carries beside QUIC, told apart by their first bytes. Neither can be
 * mistaken for QUIC: both start with the two bits 00, while every QUIC packet sets the fixed bit 0x40.
 */
public enum DatagramKind {
  /** RFC 8489 STUN: first two bits 00, the magic cookie at bytes 4-7, a 4-byte aligned body filling the datagram. */
  STUN,
  /** Our own path probes and hole-punch packets: they start with {@link #PROBE_MAGIC}. */
  PROBE;

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
    if (isStun(datagram)) {
      return Optional.of(STUN);
    }
    if (hasProbeMagic(datagram)) {
      return Optional.of(PROBE);
    }
    return Optional.empty();
  }

  private static boolean isStun(byte[] d) {
    if (d.length < STUN_HEADER_BYTES || (d[0] & 0xC0) != 0) {
      return false;
    }
    int cookie = ((d[4] & 0xFF) << 24) | ((d[5] & 0xFF) << 16) | ((d[6] & 0xFF) << 8) | (d[7] & 0xFF);
    int bodyLength = ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
    return cookie == STUN_MAGIC_COOKIE && (bodyLength & 3) == 0 && bodyLength + STUN_HEADER_BYTES <= d.length;
  }

  private static boolean hasProbeMagic(byte[] d) {
    if (d.length < PROBE_MAGIC.length) {
      return false;
    }
    for (int i = 0; i < PROBE_MAGIC.length; i++) {
      if (d[i] != PROBE_MAGIC[i]) {
        return false;
      }
    }
    return true;
  }
}
