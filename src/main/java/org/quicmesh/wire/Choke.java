package org.quicmesh.wire;

/**
 * The sender stays in our mesh for {@code topic} but wants no more full messages from us: we announce each message
 * we forward with an immediate {@link IHave} instead, until an {@link Unchoke} (or the mesh link ends). Messages we
 * publish ourselves still go in full.
 */
public record Choke(String topic) implements GossipMessage {
  public Choke {
    Checks.topic(topic);
  }
}
