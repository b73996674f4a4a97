package org.quicmesh.wire;

import java.util.List;

/**
 * The sender drops the receiver from its mesh for {@code topic}, suggests other peers, and asks it not to graft again
 * for {@code backoffMillis}.
 */
public record Prune(String topic, List<Contact> peerExchange, long backoffMillis) implements GossipMessage {
  public Prune {
    Checks.topic(topic);
    peerExchange = Checks.contacts(peerExchange, "peerExchange");
    Checks.range(backoffMillis, 0, Limits.MAX_BACKOFF_MILLIS, "backoffMillis");
  }
}
