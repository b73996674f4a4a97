package org.quicmesh.nat.relay;

import java.time.Duration;

/**
 * Limits of a relay (config {@code quicmesh.nat.relay}).
 *
 * @param enabled whether this node serves relay sessions
 * @param maxReservations how many nodes may hold a reservation at once
 * @param maxSessions how many sessions may be open at once
 * @param reservationTtl how long a reservation lasts unless renewed
 * @param sessionIdle a session with no traffic for this long closes
 * @param sessionBytesPerSecond bandwidth of one session, each direction counted
 * @param totalBytesPerSecond bandwidth of all sessions together
 */
public record RelaySettings(
    boolean enabled,
    int maxReservations,
    int maxSessions,
    Duration reservationTtl,
    Duration sessionIdle,
    long sessionBytesPerSecond,
    long totalBytesPerSecond) {

  public RelaySettings {
    if (maxReservations < 1 || maxSessions < 1 || sessionBytesPerSecond < 1 || totalBytesPerSecond < 1) {
      throw new IllegalArgumentException("relay limits must be positive");
    }
    if (reservationTtl.isNegative() || reservationTtl.isZero() || sessionIdle.isNegative() || sessionIdle.isZero()) {
      throw new IllegalArgumentException("relay durations must be positive");
    }
  }

  /** Reads the {@code quicmesh.nat.relay} section. */
  public static RelaySettings fromConfig(com.typesafe.config.Config c) {
    return new RelaySettings(c.getBoolean("enabled"), c.getInt("max-reservations"), c.getInt("max-sessions"),
        c.getDuration("reservation-ttl"), c.getDuration("session-idle"), c.getBytes("session-bytes-per-second"),
        c.getBytes("total-bytes-per-second"));
  }

  public static RelaySettings defaults() {
    return new RelaySettings(false, 512, 1024, Duration.ofMinutes(10), Duration.ofMinutes(2),
        4L * 1024 * 1024, 64L * 1024 * 1024);
  }

  public RelaySettings withEnabled(boolean enabled) {
    return new RelaySettings(enabled, maxReservations, maxSessions, reservationTtl, sessionIdle,
        sessionBytesPerSecond, totalBytesPerSecond);
  }
}
