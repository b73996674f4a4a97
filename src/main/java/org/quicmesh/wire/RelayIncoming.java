package org.quicmesh.wire;

import org.quicmesh.identity.NodeId;

/**
 * From a relay to a node holding a reservation: {@code peer} is connecting to you through session {@code sessionId}
 * (your end). Answered with {@link Ack} once the node routes that peer through the session.
 */
public record RelayIncoming(Contact from, NodeId peer, long sessionId) implements NatRequest {
  public RelayIncoming {
    Checks.nonNull(from, "from");
    Checks.nonNull(peer, "peer");
  }
}
