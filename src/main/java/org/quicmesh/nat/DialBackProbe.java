package org.quicmesh.nat;

import java.util.Arrays;
import java.util.Optional;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.wire.Limits;

/**
 * The dial-back datagram: a probe-kind packet ({@link DatagramKind#PROBE}), subtype {@code 'D'}, then the nonce the
 * requester chose. A probe rather than a STUN request, so the receiving node's STUN server does not answer it (an
 * answer would open the very filter entry under test, and make every dial-back a two-packet exchange).
 */
final class DialBackProbe {
  /** The subtype byte after the probe prefix. */
  static final byte SUBTYPE = 'D';

  private static final byte[] MAGIC = DatagramKind.probeMagic();
  private static final int LENGTH = MAGIC.length + 1 + Limits.DIAL_BACK_NONCE_BYTES;

  private DialBackProbe() {}

  static byte[] bytes(byte[] nonce) {
    if (nonce.length != Limits.DIAL_BACK_NONCE_BYTES) {
      throw new IllegalArgumentException("a dial-back nonce has " + Limits.DIAL_BACK_NONCE_BYTES + " bytes");
    }
    byte[] bytes = Arrays.copyOf(MAGIC, LENGTH);
    bytes[MAGIC.length] = SUBTYPE;
    System.arraycopy(nonce, 0, bytes, MAGIC.length + 1, nonce.length);
    return bytes;
  }

  /** The nonce of a dial-back datagram; empty for any other datagram. */
  static Optional<byte[]> nonce(byte[] datagram) {
    if (datagram.length != LENGTH || datagram[MAGIC.length] != SUBTYPE
        || !Arrays.equals(datagram, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return Optional.empty();
    }
    return Optional.of(Arrays.copyOfRange(datagram, MAGIC.length + 1, LENGTH));
  }
}
