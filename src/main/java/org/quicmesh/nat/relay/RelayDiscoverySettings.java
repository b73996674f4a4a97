package org.quicmesh.nat.relay;

import java.time.Duration;

/**
 * Finding relays in the mesh (config {@code quicmesh.nat.relay.discovery}): a node behind a NAT without configured
 * relays, or whose configured ones all fail, checks the endpoint records of routing-table contacts for a relay service.
 *
 * @param every how often a discovery round runs (while fewer than {@code keep} reservations are held)
 * @param contactsPerRound endpoint records resolved per round at most
 * @param recheckAfter a contact checked is not checked again before this
 */
public record RelayDiscoverySettings(boolean enabled, Duration every, int contactsPerRound, Duration recheckAfter) {
  /** Relays found in the mesh remembered at once (a record holds no more relays than this either). */
  public static final int MAX_KNOWN_RELAYS = 16;

  public RelayDiscoverySettings {
    if (every.isNegative() || every.isZero() || recheckAfter.isNegative()) {
      throw new IllegalArgumentException("relay discovery every must be positive, recheck-after not negative");
    }
    if (contactsPerRound < 1) {
      throw new IllegalArgumentException("relay discovery contacts-per-round must be positive");
    }
  }

  public static RelayDiscoverySettings fromConfig(com.typesafe.config.Config c) {
    return new RelayDiscoverySettings(c.getBoolean("enabled"), c.getDuration("every"), c.getInt("contacts-per-round"),
        c.getDuration("recheck-after"));
  }

  public static RelayDiscoverySettings defaults() {
    return new RelayDiscoverySettings(true, Duration.ofSeconds(60), 4, Duration.ofMinutes(10));
  }
}
