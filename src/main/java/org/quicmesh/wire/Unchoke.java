package org.quicmesh.wire;

/** Ends a {@link Choke}: the sender wants our full messages for {@code topic} again. */
public record Unchoke(String topic) implements GossipMessage {
  public Unchoke {
    Checks.topic(topic);
  }
}
