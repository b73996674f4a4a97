package org.quicmesh.testkit;

import java.time.Duration;

/** What {@link MeshSimulation#runUntil} throws when the awaited answer did not come within its virtual time. */
public final class VirtualTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Duration waited;

  VirtualTimeoutException(Duration waited, long nowMillis) {
    super("not completed within " + waited + " of virtual time (now " + nowMillis + " ms into the simulation)");
    this.waited = waited;
  }

  /** The virtual time that passed while waiting. */
  public Duration waited() {
    return waited;
  }
}
