package org.quicmesh.nat.stun;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/** The 96-bit transaction id that pairs a STUN response with its request (RFC 8489 §5). */
public final class TransactionId {
  public static final int LENGTH = 12;

  private final byte[] bytes;

  private TransactionId(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A copy of {@code bytes}, which must be 12 long. */
  public static TransactionId of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a transaction id has 12 bytes, not " + bytes.length);
    }
    return new TransactionId(bytes.clone());
  }

  /** A fresh id from the caller's (seeded, in simulations) random source. */
  public static TransactionId random(Random random) {
    byte[] bytes = new byte[LENGTH];
    random.nextBytes(bytes);
    return new TransactionId(bytes);
  }

  static TransactionId wrap(byte[] bytes) {
    return new TransactionId(bytes);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  byte get(int i) {
    return bytes[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransactionId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
