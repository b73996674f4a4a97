package org.quicmesh.pubsub;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.quicmesh.wire.Limits;
import org.quicmesh.wire.Publish;

/**
 * The identity of a published message: the origin's 32-byte Ed25519 public key followed by the 8-byte big-endian
 * sequence number ({@value #BYTES} bytes, the largest id {@link Limits#MAX_MESSAGE_ID_BYTES} allows). Deriving it from
 * (origin, seqno) rather than a content hash lets a receiver compute it before verifying anything, and two messages
 * of one origin with the same seqno are the same message (a publisher never reuses a seqno).
 *
 * <p>Immutable value type with content equality; ids received in IHave/IWant of other lengths are representable
 * ({@link #fromBytes}) so they can be looked up, they simply never match a message of ours.
 */
public final class MessageId {
  /** Length of the ids this node derives: origin key plus seqno. */
  public static final int BYTES = Limits.PUBLIC_KEY_BYTES + Long.BYTES;

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;
  private final int hash;

  private MessageId(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** The id of a message by {@code origin} (32-byte raw public key) with sequence number {@code seqno}. */
  public static MessageId of(byte[] origin, long seqno) {
    if (origin == null || origin.length != Limits.PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException("origin must be a " + Limits.PUBLIC_KEY_BYTES + "-byte public key");
    }
    return new MessageId(ByteBuffer.allocate(BYTES).put(origin).putLong(seqno).array());
  }

  /** The id of {@code message}, from its origin and seqno (the signature is not checked here). */
  public static MessageId of(Publish message) {
    return of(message.origin(), message.seqno());
  }

  /**
   * An id as carried in IHave/IWant (copied).
   *
   * @throws IllegalArgumentException if null, empty or longer than {@link Limits#MAX_MESSAGE_ID_BYTES}
   */
  public static MessageId fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length == 0 || bytes.length > Limits.MAX_MESSAGE_ID_BYTES) {
      throw new IllegalArgumentException("a message id has 1.." + Limits.MAX_MESSAGE_ID_BYTES + " bytes");
    }
    return new MessageId(bytes.clone());
  }

  /** A copy of the id bytes, for IHave/IWant. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  public String toHex() {
    return HEX.formatHex(bytes);
  }

  /** First 8 hex digits of the origin and the seqno: enough for logs. */
  public String shortHex() {
    return HEX.formatHex(bytes, 0, Math.min(4, bytes.length)) + (bytes.length == BYTES
        ? "/" + ByteBuffer.wrap(bytes, Limits.PUBLIC_KEY_BYTES, Long.BYTES).getLong() : "…");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageId other && hash == other.hash && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "MessageId[" + toHex() + "]";
  }
}
