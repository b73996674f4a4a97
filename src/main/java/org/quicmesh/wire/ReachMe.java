package org.quicmesh.wire;

import java.util.List;

/** Asks the peer to connect back to one of our {@code candidates} (connection reversal); answered with {@link Ack}. */
public record ReachMe(Contact from, List<String> candidates) implements NatRequest {
  public ReachMe {
    Checks.nonNull(from, "from");
    candidates = Checks.candidates(candidates);
  }
}
