package org.quicmesh.node;

import java.time.Clock;
import java.util.Random;

/**
 * What a node takes from its surroundings instead of reaching for globals: the clock it reads (virtual in
 * simulations) and its source of randomness (seeded for reproducible runs). Timers come from the actor system's
 * scheduler, which a simulation replaces with virtual time.
 */
public record NodeEnvironment(Clock clock, Random random) {
  public static NodeEnvironment system() {
    return new NodeEnvironment(Clock.systemUTC(), new Random());
  }
}
