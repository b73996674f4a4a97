package org.quicmesh.wire;

import java.util.List;
import org.quicmesh.identity.NodeId;

/**
 * Starts simultaneous sends towards {@code target} at our {@code candidates}; answered with {@link HolePunchReady} or
 * {@link HolePunchFailed}.
 */
public record HolePunchStart(Contact from, NodeId target, List<String> candidates) implements NatRequest {
  public HolePunchStart {
    Checks.nonNull(from, "from");
    Checks.nonNull(target, "target");
    candidates = Checks.candidates(candidates);
  }
}
