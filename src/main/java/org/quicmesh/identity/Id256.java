package org.quicmesh.identity;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A point of the 256-bit XOR id space that node ids and content keys share: bytes, hex, and the Kademlia metric.
 * Equal only to an id of the same kind (a key is never equal to a node id with the same bits).
 */
public abstract sealed class Id256 permits NodeId, Key {
  public static final int LENGTH = 32;
  private static final HexFormat HEX = HexFormat.of();

  final byte[] bytes;

  Id256(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A private copy of exactly 32 bytes, or an IllegalArgumentException naming {@code kind}. */
  static byte[] copyOf(byte[] bytes, String kind) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException("a " + kind + " has " + LENGTH + " bytes, got "
          + (bytes == null ? "null" : bytes.length));
    }
    return bytes.clone();
  }

  /** 64 hex characters (either case) as 32 bytes, or an IllegalArgumentException naming {@code kind}. */
  static byte[] parseHex(String hex, String kind) {
    if (hex == null || hex.length() != LENGTH * 2) {
      throw new IllegalArgumentException("a " + kind + " is " + LENGTH * 2 + " hex characters");
    }
    return HEX.parseHex(hex);
  }

  /** Byte i without copying the array (hot path of XOR comparisons). */
  public final int byteAt(int i) {
    return bytes[i] & 0xff;
  }

  public final String toHex() {
    return HEX.formatHex(bytes);
  }

  /** First 8 hex characters, for logs and tables. */
  public final String shortHex() {
    return toHex().substring(0, 8);
  }

  /** XOR distance to another id, as 32 bytes. */
  public final byte[] distance(Id256 other) {
    byte[] d = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      d[i] = (byte) (bytes[i] ^ other.bytes[i]);
    }
    return d;
  }

  /** Compares the XOR distances of a and b to this id: negative if a is closer. */
  public final int compareDistance(Id256 a, Id256 b) {
    for (int i = 0; i < LENGTH; i++) {
      int da = (bytes[i] ^ a.bytes[i]) & 0xff;
      int db = (bytes[i] ^ b.bytes[i]) & 0xff;
      if (da != db) {
        return Integer.compare(da, db);
      }
    }
    return 0;
  }

  /** Unsigned big-endian order of the bits. */
  final int compareBits(Id256 other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && Arrays.equals(bytes, ((Id256) o).bytes);
  }

  @Override
  public final int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
