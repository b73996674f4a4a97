package org.quicmesh.wire;

import org.quicmesh.identity.NodeId;

/** Asks for the contacts closest to {@code target}; answered with {@link Nodes}. */
public record FindNode(Contact from, NodeId target) implements DhtRequest {
  public FindNode {
    Checks.nonNull(from, "from");
    Checks.nonNull(target, "target");
  }
}
