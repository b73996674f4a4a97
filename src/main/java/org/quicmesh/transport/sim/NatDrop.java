package org.quicmesh.transport.sim;

/** Why a simulated NAT dropped a packet; {@link #reason()} is the counter name in {@link SimNetwork#natDrops()}. */
public enum NatDrop {
  /** To a box's public address on a port no live mapping holds. */
  NO_MAPPING("no-mapping"),
  /** The mapping exists but its filter does not admit the sender. */
  FILTERED("filtered"),
  /** To a private address from outside its box. */
  PRIVATE_UNREACHABLE("private-unreachable"),
  /** From behind a box to the box's own public address, which it does not loop back. */
  NO_HAIRPINNING("no-hairpinning");

  private final String reason;

  NatDrop(String reason) {
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
