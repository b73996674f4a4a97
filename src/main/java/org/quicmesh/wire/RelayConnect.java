package org.quicmesh.wire;

import org.quicmesh.identity.NodeId;

/**
 * Asks a relay for a session to {@code target}, which must hold a reservation there; answered with
 * {@link RelayConnected} (our end of the session) or {@link Rejected}.
 */
public record RelayConnect(Contact from, NodeId target) implements NatRequest {
  public RelayConnect {
    Checks.nonNull(from, "from");
    Checks.nonNull(target, "target");
  }
}
