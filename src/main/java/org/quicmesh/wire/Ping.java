package org.quicmesh.wire;

import java.util.Objects;

/** Liveness check; answered with {@link Ack}. */
public record Ping(Contact from) implements Request {
  public Ping {
    Objects.requireNonNull(from, "from");
  }
}
