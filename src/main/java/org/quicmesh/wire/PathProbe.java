package org.quicmesh.wire;

/** Measures a path; echoed in a {@link PathReply}. */
public record PathProbe(Contact from, long probeId, long sentAtMillis) implements NatRequest {
  public PathProbe {
    Checks.nonNull(from, "from");
  }
}
