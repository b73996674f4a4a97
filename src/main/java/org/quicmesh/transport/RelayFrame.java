package org.quicmesh.transport;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The framing of datagrams that travel through a relay session: {@code 00 'Q' 'M' 'R' 01}, a direction byte, the
 * 8-byte session id of the end that sends (towards the relay) or receives (from the relay), then the payload (a whole
 * QUIC packet or probe, end-to-end encrypted between the peers: the relay can neither read nor forge it).
 *
 * <p>It starts with the two bits 00 like STUN and probes, so no demultiplexer on the way can take it for QUIC, whose
 * packets all set the fixed bit 0x40 (TURN's ChannelData, 0x40-0x7F, would collide with QUIC short headers). Byte 4
 * is not the STUN cookie's 0x21, so it is never STUN either; byte 3 tells it from a probe.
 */
public record RelayFrame(Direction direction, long session, byte[] payload) {
  public static final int HEADER_BYTES = 14;
  /** Where the direction byte and the session id sit in a frame. */
  public static final int DIRECTION_AT = 5;
  public static final int SESSION_AT = 6;
  private static final byte[] MAGIC = {0x00, 'Q', 'M', 'R', 0x01};

  /** Which way the frame travels; the relay accepts only {@link #TO_RELAY}, ends accept only {@link #FROM_RELAY}. */
  public enum Direction {
    TO_RELAY(1),
    FROM_RELAY(2);

    private final byte code;

    Direction(int code) {
      this.code = (byte) code;
    }

    /** The byte at {@link #DIRECTION_AT}. */
    public byte code() {
      return code;
    }

    static Optional<Direction> of(byte code) {
      for (Direction d : values()) {
        if (d.code == code) {
          return Optional.of(d);
        }
      }
      return Optional.empty();
    }
  }

  public RelayFrame {
    java.util.Objects.requireNonNull(direction, "direction");
    java.util.Objects.requireNonNull(payload, "payload");
  }

  public byte[] toBytes() {
    return ByteBuffer.allocate(HEADER_BYTES + payload.length).put(header(direction, session)).put(payload).array();
  }

  /** The 14 header bytes of a frame (for writers that append the payload without copying it twice). */
  public static byte[] header(Direction direction, long session) {
    return ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).put(direction.code).putLong(session).array();
  }

  /** Whether the bytes between {@code d}'s position and limit start like a relay frame (read in place). */
  public static boolean matches(ByteBuffer d) {
    if (d.remaining() < HEADER_BYTES) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (d.get(d.position() + i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** The direction of a frame that {@link #matches}, if its direction byte is a known one. */
  public static Optional<Direction> direction(ByteBuffer d) {
    return Direction.of(d.get(d.position() + DIRECTION_AT));
  }

  /** The session id of a frame that {@link #matches}. */
  public static long session(ByteBuffer d) {
    return d.getLong(d.position() + SESSION_AT);
  }

  /** Decodes a whole frame, or empty if it is not one. */
  public static Optional<RelayFrame> parse(byte[] datagram) {
    ByteBuffer d = ByteBuffer.wrap(datagram);
    if (!matches(d)) {
      return Optional.empty();
    }
    return direction(d).map(dir -> new RelayFrame(dir, session(d),
        java.util.Arrays.copyOfRange(datagram, HEADER_BYTES, datagram.length)));
  }
}
