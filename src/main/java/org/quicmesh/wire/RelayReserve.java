package org.quicmesh.wire;

/**
 * Asks a relay to hold a reservation for us: while it lasts, peers can reach us through the relay by our NodeId
 * ({@link RelayConnect}). Answered with {@link RelayReserved} or {@link Rejected}; renewed by asking again.
 */
public record RelayReserve(Contact from) implements NatRequest {
  public RelayReserve {
    Checks.nonNull(from, "from");
  }
}
