package org.quicmesh.wire;

import org.quicmesh.identity.NodeId;

/**
 * Asks a relay to connect us to {@code target}; answered with {@link RelayAccepted}, {@link RelayConnected} or {@link
 * Rejected}.
 */
public record RelayConnect(Contact from, NodeId target) implements NatRequest {
  public RelayConnect {
    Checks.nonNull(from, "from");
    Checks.nonNull(target, "target");
  }
}
