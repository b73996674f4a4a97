package org.quicmesh.wire;

/**
 * The relay holds our reservation for {@code ttlMillis}; {@code loadPermille} (0-1000) says how busy it is, so
 * clients can prefer a quieter relay; {@code yourAddress} is where the relay sees us (a server-reflexive candidate,
 * and the address the relay will reach us at).
 */
public record RelayReserved(long ttlMillis, int loadPermille, String yourAddress) implements NatResponse {
  public RelayReserved {
    Checks.range(ttlMillis, 1, Limits.MAX_RELAY_TTL_MILLIS, "ttlMillis");
    Checks.range(loadPermille, 0, 1000, "loadPermille");
    Checks.address(yourAddress, "yourAddress");
  }
}
