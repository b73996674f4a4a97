package org.quicmesh.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * A message published on {@code topic}: {@code origin} is the publisher's raw Ed25519 public key (32 bytes),
 * {@code (origin, seqno)} identifies the message, {@code signature} (64 bytes) is the origin's signature.
 */
public record Publish(String topic, byte[] origin, long seqno, byte[] payload, byte[] signature)
    implements GossipMessage {
  public Publish {
    Checks.topic(topic);
    Checks.exactBytes(origin, Limits.PUBLIC_KEY_BYTES, "origin");
    Checks.maxBytes(payload, Limits.MAX_PUBLISH_PAYLOAD_BYTES, "payload");
    Checks.exactBytes(signature, Limits.SIGNATURE_BYTES, "signature");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Publish other && topic.equals(other.topic) && Arrays.equals(origin, other.origin)
        && seqno == other.seqno && Arrays.equals(payload, other.payload) && Arrays.equals(signature, other.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, Arrays.hashCode(origin), seqno, Arrays.hashCode(payload), Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "Publish[topic=" + topic + ", origin=" + Bytes.show(origin) + ", seqno=" + seqno
        + ", payload=" + Bytes.show(payload) + ", signature=" + Bytes.show(signature) + "]";
  }
}
