package org.quicmesh.wire;

/** Liveness check; answered with {@link Ack}. */
public record Ping(Contact from) implements DhtRequest {
  public Ping {
    Checks.nonNull(from, "from");
  }
}
