package org.quicmesh.wire;

/** The sender adds the receiver to its mesh for {@code topic}. */
public record Graft(String topic) implements GossipMessage {
  public Graft {
    Checks.topic(topic);
  }
}
