package org.quicmesh.pubsub;

import org.quicmesh.identity.NodeId;

/** The outcome of {@link SignedMessages#verify}: a message that may be delivered and forwarded, or why not. */
sealed interface Verification {

  /** True only for {@link Valid}. */
  default boolean isValid() {
    return this instanceof Valid;
  }

  /** The signature holds: {@code origin} (the NodeId of the origin key) published this exact message. */
  record Valid(MessageId id, NodeId origin) implements Verification {}

  /** Drop the message, count it, never forward it. {@code detail} is for logs. */
  record Invalid(Reason reason, String detail) implements Verification {}

  /** Why a message is refused. */
  enum Reason {
    /** Not a well-formed signed message (e.g. the origin is not an Ed25519 public key). */
    MALFORMED,
    /** The signature does not verify for this origin over this topic, seqno and payload. */
    BAD_SIGNATURE
  }
}
