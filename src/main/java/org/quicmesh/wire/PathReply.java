package org.quicmesh.wire;

/** Echo of a {@link PathProbe} with the address the probe was seen from. */
public record PathReply(long probeId, long sentAtMillis, String observedAddress) implements NatResponse {
  public PathReply {
    Checks.address(observedAddress, "observedAddress");
  }
}
