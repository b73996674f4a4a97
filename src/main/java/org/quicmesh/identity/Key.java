package org.quicmesh.identity;

import java.nio.charset.StandardCharsets;

/**
 * A 256-bit DHT key: where a value lives in the XOR space. Content keys are BLAKE3 of the value's bytes; endpoint
 * records live at a domain-separated hash of the owner's NodeId so that they never collide with content.
 *
 * <p>Keys and NodeIds share one id space but stay distinct types (a key is not a node). Lookups convert with
 * {@link #toNodeId()} and then use the NodeId distance functions.
 */
public final class Key extends Id256 implements Comparable<Key> {
  public static final int LENGTH = Id256.LENGTH;
  /** Domain-separation prefix of {@link #forEndpointRecord(NodeId)}. */
  public static final String ENDPOINT_PREFIX = "quicmesh/endpoint/";

  private static final byte[] ENDPOINT_PREFIX_BYTES = ENDPOINT_PREFIX.getBytes(StandardCharsets.US_ASCII);
  private Key(byte[] bytes) {
    super(bytes);
  }

  /** Wraps 32 key bytes (copied). */
  public static Key of(byte[] bytes) {
    return new Key(copyOf(bytes, "Key"));
  }

  /** Parses 64 hex characters. */
  public static Key fromHex(String hex) {
    return new Key(parseHex(hex, "Key"));
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

  @Override
  public int compareTo(Key o) {
    return compareBits(o);
  }

  @Override
  public String toString() {
    return "key:" + shortHex();
  }
}
