package org.quicmesh.wire;

import java.util.List;

/** Gossip: the sender asks for these messages in full (at most {@link Limits#MAX_MESSAGE_IDS}). */
public record IWant(List<byte[]> messageIds) implements GossipMessage {
  public IWant {
    messageIds = Checks.messageIds(messageIds);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IWant other && Bytes.equal(messageIds, other.messageIds);
  }

  @Override
  public int hashCode() {
    return Bytes.hash(messageIds);
  }

  @Override
  public String toString() {
    return "IWant[" + Bytes.show(messageIds) + "]";
  }
}
