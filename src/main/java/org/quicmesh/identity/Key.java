package org.quicmesh.identity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 256-bit DHT key: where a value lives in the XOR space. Content keys are BLAKE3 of the value's bytes; endpoint
 * records live at a domain-separated hash of the owner's NodeId so that they never collide with content.
 *
 * <p>Keys and NodeIds share one id space but stay distinct types (a key is not a node). Lookups convert with
 * {@link #toNodeId()} and then use the NodeId distance functions.
 */
public final class Key implements Comparable<Key> {
  public static final int LENGTH = 32;
  /** Domain-separation prefix of {@link #forEndpointRecord(NodeId)}. */
  public static final String ENDPOINT_PREFIX = "quicmesh/endpoint/";

  private static final byte[] ENDPOINT_PREFIX_BYTES = ENDPOINT_PREFIX.getBytes(StandardCharsets.US_ASCII);
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private Key(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps 32 key bytes (copied). */
  public static Key of(byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException("a Key has " + LENGTH + " bytes, got "
          + (bytes == null ? "null" : bytes.length));
    }
    return new Key(bytes.clone());
  }

  /** Parses 64 hex characters. */
  public static Key fromHex(String hex) {
    if (hex == null || hex.length() != LENGTH * 2) {
      throw new IllegalArgumentException("a Key is " + LENGTH * 2 + " hex characters");
    }
    return new Key(HEX.parseHex(hex));
  }

  /** The content key of a value: BLAKE3 of its bytes. */
  public static Key forContent(byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("content is null");
    }
    return new Key(Blake3.hash(value));
  }

  /** Where the endpoint record of {@code node} is stored: BLAKE3("quicmesh/endpoint/" || node id bytes). */
  public static Key forEndpointRecord(NodeId node) {
    return new Key(Blake3.hash(ENDPOINT_PREFIX_BYTES, node.toBytes()));
  }

  /** The same 256 bits as a point in the NodeId space, the target of a DHT lookup for this key. */
  public NodeId toNodeId() {
    return NodeId.of(bytes);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public int byteAt(int i) {
    return bytes[i] & 0xff;
  }

  public String toHex() {
    return HEX.formatHex(bytes);
  }

  public String shortHex() {
    return toHex().substring(0, 8);
  }

  /** XOR distance to a node, as 32 bytes. */
  public byte[] distance(NodeId node) {
    byte[] d = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      d[i] = (byte) (bytes[i] ^ node.byteAt(i));
    }
    return d;
  }

  /** Compares the XOR distances of nodes a and b to this key: negative if a is closer. */
  public int compareDistance(NodeId a, NodeId b) {
    for (int i = 0; i < LENGTH; i++) {
      int da = (bytes[i] & 0xff) ^ a.byteAt(i);
      int db = (bytes[i] & 0xff) ^ b.byteAt(i);
      if (da != db) {
        return Integer.compare(da, db);
      }
    }
    return 0;
  }

  @Override
  public int compareTo(Key o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Key other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "key:" + shortHex();
  }
}
