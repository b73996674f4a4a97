package org.quicmesh.wire;

/** Ends a relay session; answered with {@link RelayClosed}. */
public record RelayClose(Contact from, long sessionId) implements NatRequest {
  public RelayClose {
    Checks.nonNull(from, "from");
  }
}
