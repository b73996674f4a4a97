package org.quicmesh.node;

import java.time.Clock;
import java.security.SecureRandom;
import java.util.Random;

/**
 * What a node takes from its surroundings instead of reaching for globals: the clock it reads (virtual in
 * simulations) and its source of randomness (seeded for reproducible runs). Timers come from the actor system's
 * scheduler, which a simulation replaces with virtual time.
 */
public record NodeEnvironment(Clock clock, Random random) {
  /**
   * The real clock, and a {@link SecureRandom}: relay session ids and hole-punch tokens come from it and must not be
   * guessable (a simulation passes a seeded {@code Random} instead).
   */
  public static NodeEnvironment system() {
    return new NodeEnvironment(Clock.systemUTC(), new SecureRandom());
  }
}
