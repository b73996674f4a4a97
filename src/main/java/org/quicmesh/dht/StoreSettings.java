package org.quicmesh.dht;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;

/**
 * Limits and budgets of the {@link RecordStore}, read from {@code quicmesh.dht} ({@code conf/reference.conf} documents
 * each key).
 *
 * @param valueTtl default and longest time a value is kept ({@code value-ttl})
 * @param maxValueBytes largest accepted value ({@code max-value-bytes})
 * @param maxEntries LRU capacity in entries ({@code max-entries})
 * @param expirySweepInterval how often the owner calls {@link RecordStore#sweep(long)} ({@code expiry-sweep-interval})
 * @param perPeerMaxBytes value bytes one remote peer may hold here ({@code per-peer-max-bytes})
 * @param perPeerMaxEntries entries one remote peer may hold here ({@code per-peer-max-entries})
 * @param perPeerStoresPerMinute token-bucket rate of stores per peer ({@code per-peer-stores-per-minute})
 * @param pressureThreshold pressure above which pressure eviction runs ({@code pressure-threshold})
 * @param maxStoreBytes memory budget ({@code max-store-bytes})
 * @param maxStoreRequestsPerSecond request-rate budget ({@code max-store-requests-per-second})
 * @param popularityHalfLife decay half-life of FindValue hit counts ({@code popularity-half-life})
 */
record StoreSettings(
    Duration valueTtl,
    int maxValueBytes,
    int maxEntries,
    Duration expirySweepInterval,
    long perPeerMaxBytes,
    int perPeerMaxEntries,
    int perPeerStoresPerMinute,
    double pressureThreshold,
    long maxStoreBytes,
    double maxStoreRequestsPerSecond,
    Duration popularityHalfLife) {

  public StoreSettings {
    if (valueTtl.toMillis() <= 0 || maxValueBytes <= 0 || maxEntries <= 0 || perPeerMaxBytes <= 0
        || perPeerMaxEntries <= 0 || perPeerStoresPerMinute <= 0 || maxStoreBytes <= 0
        || !(maxStoreRequestsPerSecond > 0) || popularityHalfLife.toMillis() <= 0
        || !(pressureThreshold > 0 && pressureThreshold <= 1)) {
      throw new IllegalArgumentException("invalid store settings: " + "ttl, sizes, counts and rates must be "
          + "positive and pressure-threshold in (0, 1]");
    }
  }

  /** Reads the settings from the {@code quicmesh.dht} config section. */
  public static StoreSettings fromConfig(Config dht) {
    return new StoreSettings(
        dht.getDuration("value-ttl"),
        dht.getInt("max-value-bytes"),
        dht.getInt("max-entries"),
        dht.getDuration("expiry-sweep-interval"),
        dht.getLong("per-peer-max-bytes"),
        dht.getInt("per-peer-max-entries"),
        dht.getInt("per-peer-stores-per-minute"),
        dht.getDouble("pressure-threshold"),
        dht.getLong("max-store-bytes"),
        dht.getDouble("max-store-requests-per-second"),
        dht.getDuration("popularity-half-life"));
  }

  /** The documented defaults of {@code reference.conf}. */
  public static StoreSettings defaults() {
    return fromConfig(ConfigFactory.defaultReference().getConfig("quicmesh.dht"));
  }

  public StoreSettings withMaxEntries(int entries) {
    return new StoreSettings(valueTtl, maxValueBytes, entries, expirySweepInterval, perPeerMaxBytes,
        perPeerMaxEntries, perPeerStoresPerMinute, pressureThreshold, maxStoreBytes, maxStoreRequestsPerSecond,
        popularityHalfLife);
  }

  public StoreSettings withMaxStoreBytes(long bytes) {
    return new StoreSettings(valueTtl, maxValueBytes, maxEntries, expirySweepInterval, perPeerMaxBytes,
        perPeerMaxEntries, perPeerStoresPerMinute, pressureThreshold, bytes, maxStoreRequestsPerSecond,
        popularityHalfLife);
  }

  public StoreSettings withMaxStoreRequestsPerSecond(double perSecond) {
    return new StoreSettings(valueTtl, maxValueBytes, maxEntries, expirySweepInterval, perPeerMaxBytes,
        perPeerMaxEntries, perPeerStoresPerMinute, pressureThreshold, maxStoreBytes, perSecond,
        popularityHalfLife);
  }
}
