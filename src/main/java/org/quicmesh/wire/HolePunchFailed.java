package org.quicmesh.wire;

/** Hole punching cannot proceed; {@code reason} says why (free text, bounded). */
public record HolePunchFailed(String reason) implements NatResponse {
  public HolePunchFailed {
    Checks.text(reason, Limits.MAX_DETAIL_CHARS, "reason");
  }
}
