package org.quicmesh.connect;

import java.time.Duration;

/**
 * How connections are made and kept (config {@code quicmesh.connect}).
 *
 * @param directTimeout how long the direct attempt at a peer's addresses may take, all addresses together; zero
 *     skips it (connect through a relay, then upgrade)
 * @param punchTimeout how long an ICE attempt checks candidate paths before giving up (the relay stays)
 * @param checkPace one connectivity check per this interval (RFC 8445's Ta)
 * @param checkRetry how long before the same candidate is checked again
 * @param maxChecksPerCandidate checks one candidate gets in one attempt
 * @param probeInterval how often a connected peer's paths are probed
 * @param maxMisses probes in a row a path may miss before it counts as dead
 * @param relayAdvantage the relay is preferred over a live direct path only if faster by more than this
 * @param upgradeRetry how long after a failed ICE attempt the next one starts (doubling after each failure)
 * @param upgradeRetryMax the longest wait between two ICE attempts
 */
public record ConnectSettings(
    Duration directTimeout,
    Duration punchTimeout,
    Duration checkPace,
    Duration checkRetry,
    int maxChecksPerCandidate,
    Duration probeInterval,
    int maxMisses,
    Duration relayAdvantage,
    Duration upgradeRetry,
    Duration upgradeRetryMax) {

  /** Reads the {@code quicmesh.connect} section. */
  public static ConnectSettings fromConfig(com.typesafe.config.Config c) {
    return new ConnectSettings(c.getDuration("direct-timeout"), c.getDuration("punch-timeout"),
        c.getDuration("check-pace"), c.getDuration("check-retry"), c.getInt("checks-per-candidate"),
        c.getDuration("probe-interval"), c.getInt("max-misses"), c.getDuration("relay-advantage"),
        c.getDuration("upgrade-retry"), c.getDuration("upgrade-retry-max"));
  }

  public static ConnectSettings defaults() {
    return new ConnectSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(20),
        Duration.ofMillis(250), 20, Duration.ofSeconds(1), 3, Duration.ofMillis(50), Duration.ofSeconds(5),
        Duration.ofMinutes(2));
  }
}
