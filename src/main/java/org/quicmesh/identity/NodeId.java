package org.quicmesh.identity;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A node's identity on the mesh: BLAKE3 of its raw 32-byte Ed25519 public key. Immutable; the XOR metric of
 * Kademlia is defined on these 256-bit values.
 */
public final class NodeId implements Comparable<NodeId> {
  public static final int LENGTH = 32;
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private NodeId(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps 32 id bytes (copied). */
  public static NodeId of(byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException("a NodeId has " + LENGTH + " bytes, got "
          + (bytes == null ? "null" : bytes.length));
    }
    return new NodeId(bytes.clone());
  }

  /** Parses 64 lowercase or uppercase hex characters; anything else is an IllegalArgumentException. */
  public static NodeId fromHex(String hex) {
    if (hex == null || hex.length() != LENGTH * 2) {
      throw new IllegalArgumentException("a NodeId is " + LENGTH * 2 + " hex characters");
    }
    return new NodeId(HEX.parseHex(hex));
  }

  /** The id of the node owning this raw Ed25519 public key. */
  public static NodeId fromPublicKey(byte[] rawEd25519PublicKey) {
    if (rawEd25519PublicKey == null || rawEd25519PublicKey.length != 32) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
    }
    return new NodeId(blake3(rawEd25519PublicKey));
  }

  static byte[] blake3(byte[] data) {
    return Blake3.hash(data);
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Byte i without copying the array (hot path of XOR comparisons). */
  public int byteAt(int i) {
    return bytes[i] & 0xff;
  }

  public String toHex() {
    return HEX.formatHex(bytes);
  }

  /** First 8 hex characters, for logs and tables. */
  public String shortHex() {
    return toHex().substring(0, 8);
  }

  /** XOR distance to another id, as 32 bytes. */
  public byte[] distance(NodeId other) {
    byte[] d = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      d[i] = (byte) (bytes[i] ^ other.bytes[i]);
    }
    return d;
  }

  /**
   * Kademlia bucket index of {@code other} relative to this id: 255 minus the number of leading zero bits of the
   * XOR distance, so 255 is the farthest half of the id space; -1 for the id itself.
   */
  public int bucketIndex(NodeId other) {
    for (int i = 0; i < LENGTH; i++) {
      int x = (bytes[i] ^ other.bytes[i]) & 0xff;
      if (x != 0) {
        return (LENGTH - 1 - i) * 8 + (31 - Integer.numberOfLeadingZeros(x));
      }
    }
    return -1;
  }

  /** Compares the XOR distances of a and b to this id: negative if a is closer. */
  public int compareDistance(NodeId a, NodeId b) {
    for (int i = 0; i < LENGTH; i++) {
      int da = (bytes[i] ^ a.bytes[i]) & 0xff;
      int db = (bytes[i] ^ b.bytes[i]) & 0xff;
      if (da != db) {
        return Integer.compare(da, db);
      }
    }
    return 0;
  }

  @Override
  public int compareTo(NodeId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return shortHex();
  }
}
