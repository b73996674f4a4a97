package org.quicmesh.wire;

/** The sender subscribes to {@code topic}. */
public record Subscribe(String topic) implements GossipMessage {
  public Subscribe {
    Checks.topic(topic);
  }
}
