package org.quicmesh.wire;

/** The address the peer sees us at, as a literal-IP {@code host:port}. */
public record YourAddr(String address) implements NatResponse {
  public YourAddr {
    Checks.address(address, "address");
  }
}
