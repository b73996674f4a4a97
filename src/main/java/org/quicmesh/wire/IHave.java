package org.quicmesh.wire;

import java.util.List;

/**
 * Gossip: the sender has recently seen these messages on {@code topic} (at most {@link Limits#MAX_MESSAGE_IDS}).
 *
 * <p>{@code heldMillis} is empty for the heartbeat's gossip. In an announcement to a mesh peer that choked the sender,
 * which the sender batches over a few hundred milliseconds, it gives per id how long the sender had held the message:
 * the receiver can still tell whether the sender would have been first had it pushed the message.
 */
public record IHave(String topic, List<byte[]> messageIds, List<Integer> heldMillis) implements GossipMessage {
  public IHave {
    Checks.topic(topic);
    messageIds = Checks.messageIds(messageIds);
    heldMillis = Checks.list(heldMillis, Limits.MAX_MESSAGE_IDS, "heldMillis");
    if (!heldMillis.isEmpty() && heldMillis.size() != messageIds.size()) {
      throw new IllegalArgumentException("heldMillis has " + heldMillis.size() + " entries for "
          + messageIds.size() + " message ids");
    }
    for (int held : heldMillis) {
      Checks.range(held, 0, Limits.MAX_HELD_MILLIS, "heldMillis");
    }
  }

  /** Gossip without hold times. */
  public IHave(String topic, List<byte[]> messageIds) {
    this(topic, messageIds, List.of());
  }

  /** How long the sender had held the {@code index}-th message (0 when the IHave does not say). */
  public int heldMillis(int index) {
    return heldMillis.isEmpty() ? 0 : heldMillis.get(index);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IHave other && topic.equals(other.topic) && Bytes.equal(messageIds, other.messageIds)
        && heldMillis.equals(other.heldMillis);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * topic.hashCode() + Bytes.hash(messageIds)) + heldMillis.hashCode();
  }

  @Override
  public String toString() {
    return "IHave[topic=" + topic + ", " + Bytes.show(messageIds) + (heldMillis.isEmpty() ? "" : ", held="
        + heldMillis) + "]";
  }
}
