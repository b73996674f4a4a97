package org.quicmesh.wire;

/** A dial-back datagram was sent from {@code from} (as the sender knows its own address). */
public record DialBackSent(String from) implements NatResponse {
  public DialBackSent {
    Checks.address(from, "from");
  }
}
