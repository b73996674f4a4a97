package org.quicmesh.pubsub;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Publish;

/**
 * Signing and verification of published messages. The origin signs, with Ed25519, this canonical encoding (all
 * integers big-endian, every variable field length-prefixed so the encoding is injective):
 *
 * <pre>
 * ASCII "quicmesh/pubsub/publish/v1", 0x00     domain separation from every other signature of the key
 * i32 topicLength, topic as UTF-8
 * i32 originLength (= 32), origin public key
 * i64 seqno
 * i32 payloadLength, payload
 * </pre>
 *
 * A signature therefore covers the whole message and can never be moved to another topic, payload, seqno or origin,
 * nor be confused with an endpoint-record signature of the same key.
 */
final class SignedMessages {
  public static final String SIGNATURE_DOMAIN = "quicmesh/pubsub/publish/v1";

  private static final byte[] DOMAIN_BYTES = (SIGNATURE_DOMAIN + "\0").getBytes(StandardCharsets.US_ASCII);

  private SignedMessages() {}

  /**
   * A message on {@code topic} by {@code origin}, signed.
   *
   * @throws IllegalArgumentException if the topic or payload break {@link org.quicmesh.wire.Limits}
   */
  public static Publish sign(Keypair origin, String topic, long seqno, byte[] payload) {
    byte[] key = origin.publicKey();
    // Build an unsigned record first so the wire limits are checked before anything is signed.
    new Publish(topic, key, seqno, payload, new byte[64]);
    byte[] signature = origin.sign(signedBytes(topic, key, seqno, payload));
    return new Publish(topic, key, seqno, payload, signature);
  }

  /** Checks the origin key and the signature; never throws. */
  public static Verification verify(Publish message) {
    if (message == null) {
      return new Verification.Invalid(Verification.Reason.MALFORMED, "null message");
    }
    byte[] origin = message.origin();
    MessageId id = MessageId.of(message);
    byte[] signed = signedBytes(message.topic(), origin, message.seqno(), message.payload());
    if (!Keypair.verify(origin, signed, message.signature())) {
      // Only now tell a key that does not decode from a bad signature: a valid copy looks its key up once.
      if (!Keypair.isPublicKey(origin)) {
        return new Verification.Invalid(Verification.Reason.MALFORMED, "origin is not an Ed25519 public key");
      }
      return new Verification.Invalid(Verification.Reason.BAD_SIGNATURE,
          "signature of " + id.shortHex() + " on " + message.topic() + " does not verify");
    }
    return new Verification.Valid(id, NodeId.fromPublicKey(origin));
  }

  /** The exact bytes a message's signature covers (see the class comment). */
  public static byte[] signedBytes(String topic, byte[] origin, long seqno, byte[] payload) {
    byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
    int size = DOMAIN_BYTES.length + 4 + topicBytes.length + 4 + origin.length + 8 + 4 + payload.length;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(size);
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.write(DOMAIN_BYTES);
      out.writeInt(topicBytes.length);
      out.write(topicBytes);
      out.writeInt(origin.length);
      out.write(origin);
      out.writeLong(seqno);
      out.writeInt(payload.length);
      out.write(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: in-memory stream
    }
    return buffer.toByteArray();
  }
}
