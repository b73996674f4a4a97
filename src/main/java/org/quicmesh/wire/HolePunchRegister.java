package org.quicmesh.wire;

import org.quicmesh.identity.NodeId;

/**
 * Tells a rendezvous peer we want to punch through to {@code target}; answered with {@link HolePunchWaiting} or
 * {@link HolePunchReady}.
 */
public record HolePunchRegister(Contact from, NodeId target) implements NatRequest {
  public HolePunchRegister {
    Checks.nonNull(from, "from");
    Checks.nonNull(target, "target");
  }
}
