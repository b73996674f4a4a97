package org.quicmesh.dht;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Routing-table settings from {@code quicmesh.dht} (see {@code conf/reference.conf}).
 *
 * @param kInitial bucket size before the churn estimator has a full window of data
 * @param kMin smallest adaptive bucket size
 * @param kMax largest adaptive bucket size
 * @param replacementCacheSize contacts parked per bucket (newest first)
 * @param maxConsecutiveFailures failed RPCs in a row after which a contact is dropped
 * @param probeExpiry a ping-before-evict probe whose outcome was never reported counts as abandoned after this long,
 *     so a lost callback cannot block a bucket forever
 * @param bucketRefreshInterval buckets without a lookup for this long are refreshed
 * @param churnWindow sliding window over which contact losses are counted
 * @param churnLossPerHourForKMax fraction of the table lost per hour at which k reaches k-max
 */
public record RoutingSettings(
    int kInitial,
    int kMin,
    int kMax,
    int replacementCacheSize,
    int maxConsecutiveFailures,
    Duration probeExpiry,
    Duration bucketRefreshInterval,
    Duration churnWindow,
    double churnLossPerHourForKMax) {

  public RoutingSettings {
    if (kMin < 1 || kMax < kMin || kInitial < kMin || kInitial > kMax) {
      throw new IllegalArgumentException("need 1 <= k-min <= k-initial <= k-max, got " + kMin + ", " + kInitial
          + ", " + kMax);
    }
    if (replacementCacheSize < 0) {
      throw new IllegalArgumentException("replacement-cache-size must be >= 0");
    }
    if (maxConsecutiveFailures < 1) {
      throw new IllegalArgumentException("max-consecutive-failures must be >= 1");
    }
    requirePositive(probeExpiry, "probe-expiry");
    requirePositive(bucketRefreshInterval, "bucket-refresh-interval");
    requirePositive(churnWindow, "churn-window");
    if (!(churnLossPerHourForKMax > 0)) {
      throw new IllegalArgumentException("churn-loss-per-hour-for-k-max must be > 0");
    }
  }

  /** The reference defaults (same values as {@code conf/reference.conf}), for tests and simulations. */
  public static RoutingSettings defaults() {
    return new RoutingSettings(20, 10, 30, 8, 3, Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofMinutes(30),
        0.5);
  }

  /** Reads the {@code quicmesh.dht} section. */
  public static RoutingSettings fromConfig(Config dht) {
    return new RoutingSettings(
        dht.getInt("k-initial"),
        dht.getInt("k-min"),
        dht.getInt("k-max"),
        dht.getInt("replacement-cache-size"),
        dht.getInt("max-consecutive-failures"),
        dht.getDuration("probe-expiry"),
        dht.getDuration("bucket-refresh-interval"),
        dht.getDuration("churn-window"),
        dht.getDouble("churn-loss-per-hour-for-k-max"));
  }

  /** A copy with a fixed k (k-min = k-initial = k-max), e.g. for simulations that disable adaptation. */
  public RoutingSettings withFixedK(int k) {
    return new RoutingSettings(k, k, k, replacementCacheSize, maxConsecutiveFailures, probeExpiry,
        bucketRefreshInterval, churnWindow, churnLossPerHourForKMax);
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
