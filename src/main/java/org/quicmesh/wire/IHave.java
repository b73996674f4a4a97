package org.quicmesh.wire;

import java.util.List;

/** Gossip: the sender has recently seen these messages on {@code topic} (at most {@link Limits#MAX_MESSAGE_IDS}). */
public record IHave(String topic, List<byte[]> messageIds) implements GossipMessage {
  public IHave {
    Checks.topic(topic);
    messageIds = Checks.messageIds(messageIds);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IHave other && topic.equals(other.topic) && Bytes.equal(messageIds, other.messageIds);
  }

  @Override
  public int hashCode() {
    return 31 * topic.hashCode() + Bytes.hash(messageIds);
  }

  @Override
  public String toString() {
    return "IHave[topic=" + topic + ", " + Bytes.show(messageIds) + "]";
  }
}
