package org.quicmesh.wire;

/** The sender unsubscribes from {@code topic}. */
public record Unsubscribe(String topic) implements GossipMessage {
  public Unsubscribe {
    Checks.topic(topic);
  }
}
