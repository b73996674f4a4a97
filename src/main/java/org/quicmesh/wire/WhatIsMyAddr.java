package org.quicmesh.wire;

/** Asks the peer which address it sees us at; answered with {@link YourAddr}. */
public record WhatIsMyAddr(Contact from) implements NatRequest {
  public WhatIsMyAddr {
    Checks.nonNull(from, "from");
  }
}
