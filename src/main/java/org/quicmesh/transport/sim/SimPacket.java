package org.quicmesh.transport.sim;

import java.nio.ByteBuffer;
import java.util.OptionalLong;

/**
 * What the simulator puts inside a relay frame where QUIC would put a packet: a marker, the token of a
 * {@link SimParcel} held by the network, and padding up to the size the message would have on the wire, so that a
 * relay's bandwidth limits see realistic byte counts while the message itself never leaves memory.
 *
 * <p>The marker byte sets the two bits 01 of a QUIC short header, so no datagram classifier takes it for STUN, a probe
 * or a relay frame, as none takes a real QUIC packet for one.
 */
final class SimPacket {
  static final byte MARKER = 0x5A;
  static final int MIN_BYTES = 1 + Long.BYTES;

  private SimPacket() {}

  /** A packet naming {@code token}, {@code size} bytes long (at least {@link #MIN_BYTES}). */
  static byte[] of(long token, int size) {
    return ByteBuffer.allocate(Math.max(MIN_BYTES, size)).put(MARKER).putLong(token).array();
  }

  /** The token of {@code inner}, read in place from {@code offset}, or empty when it is not a simulator packet. */
  static OptionalLong token(byte[] bytes, int offset) {
    if (bytes.length - offset < MIN_BYTES || bytes[offset] != MARKER) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(ByteBuffer.wrap(bytes).getLong(offset + 1));
  }
}
