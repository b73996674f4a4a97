package org.quicmesh.identity;

/**
 * A node's identity on the mesh: BLAKE3 of its raw 32-byte Ed25519 public key. Immutable; the XOR metric of
 * Kademlia is defined on these 256-bit values.
 */
public final class NodeId extends Id256 implements Comparable<NodeId> {
  public static final int LENGTH = Id256.LENGTH;

  private NodeId(byte[] bytes) {
    super(bytes);
  }

  /** Wraps 32 id bytes (copied). */
  public static NodeId of(byte[] bytes) {
    return new NodeId(copyOf(bytes, "NodeId"));
  }

  /** Parses 64 lowercase or uppercase hex characters; anything else is an IllegalArgumentException. */
  public static NodeId fromHex(String hex) {
    return new NodeId(parseHex(hex, "NodeId"));
  }

  /** The id of the node owning this raw Ed25519 public key. */
  public static NodeId fromPublicKey(byte[] rawEd25519PublicKey) {
    if (rawEd25519PublicKey == null || rawEd25519PublicKey.length != 32) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
    }
    return new NodeId(Blake3.hash(rawEd25519PublicKey));
  }

  public byte[] toBytes() {
    return bytes.clone();
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

  @Override
  public int compareTo(NodeId o) {
    return compareBits(o);
  }

  @Override
  public String toString() {
    return shortHex();
  }
}
