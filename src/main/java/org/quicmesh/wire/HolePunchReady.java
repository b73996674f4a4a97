package org.quicmesh.wire;

import java.util.List;

/** Both sides are registered: punch towards these {@code candidates}. */
public record HolePunchReady(List<String> candidates) implements NatResponse {
  public HolePunchReady {
    candidates = Checks.candidates(candidates);
  }
}
