package org.quicmesh.nat.relay;

import java.util.Optional;
import org.quicmesh.identity.RelayService;

/**
 * What a relay advertises in its endpoint record, and when to say it again. The load is the largest of the shares
 * used of reservations, sessions and total bandwidth (the recent forwarding rate); the relay accepts while it is below
 * both caps. A new advertisement is due only on a material change (accepting flips, or the load leaves the band of
 * {@code loadStep} permille it was published in by more than {@code loadHysteresis}) and never sooner than
 * {@code minInterval} after the last, so a busy relay does not flood the DHT with record versions. Pure; time is
 * passed in.
 */
final class RelayAdvertisement {
  private final RelaySettings limits;
  private final RelayAdvertiseSettings settings;
  private RelayService published;
  private long publishedAtMillis;
  private long lastForwardedBytes = -1;
  private long lastSampleMillis;
  private long recentBytesPerSecond;

  RelayAdvertisement(RelaySettings limits, RelayAdvertiseSettings settings) {
    this.limits = limits;
    this.settings = settings;
  }

  /** Takes the forwarder's byte total: the rate since the previous sample is the recent bandwidth. */
  void sampleForwarded(long totalBytes, long nowMillis) {
    if (lastForwardedBytes >= 0 && nowMillis > lastSampleMillis) {
      recentBytesPerSecond = Math.max(0, totalBytes - lastForwardedBytes) * 1000 / (nowMillis - lastSampleMillis);
    }
    lastForwardedBytes = totalBytes;
    lastSampleMillis = nowMillis;
  }

  /** The load, permille: the fullest of reservations, sessions and bandwidth. */
  int loadPermille(int reservations, int sessions) {
    double reserved = (double) reservations / limits.maxReservations();
    double open = (double) sessions / limits.maxSessions();
    double bandwidth = (double) recentBytesPerSecond / limits.totalBytesPerSecond();
    return (int) Math.round(1000 * Math.min(1, Math.max(reserved, Math.max(open, bandwidth))));
  }

  /** The advertisement for the relay as it is now. */
  RelayService current(int reservations, int sessions) {
    boolean accepting = reservations < limits.maxReservations() && sessions < limits.maxSessions();
    return new RelayService(accepting, loadPermille(reservations, sessions), RelayService.CURRENT);
  }

  /**
   * The advertisement to publish now, if one is due: the first one, or a material change at least
   * {@code minInterval} after the last. A change that comes too soon is not lost: a later call offers it.
   */
  Optional<RelayService> due(int reservations, int sessions, long nowMillis) {
    RelayService now = current(reservations, sessions);
    if (published != null
        && (!material(published, now) || nowMillis - publishedAtMillis < settings.minInterval().toMillis())) {
      return Optional.empty();
    }
    published = now;
    publishedAtMillis = nowMillis;
    return Optional.of(now);
  }

  /** True if {@code now} differs enough from {@code before} to be worth a new record. */
  boolean material(RelayService before, RelayService now) {
    if (before.accepting() != now.accepting()) {
      return true;
    }
    int step = settings.loadStep();
    int bandLow = before.loadPermille() / step * step;
    int bandHigh = bandLow + step;
    return now.loadPermille() < bandLow - settings.loadHysteresis()
        || now.loadPermille() >= bandHigh + settings.loadHysteresis();
  }
}
