package org.quicmesh.dht;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;

/**
 * Settings of {@link LatencyTiers}, read from {@code quicmesh.dht}.
 *
 * @param maxTiers most tiers k-means may choose ({@code max-tiers}, 1..7 in the design)
 * @param tierInterval how often the owner calls {@link LatencyTiers#recompute} ({@code tier-interval})
 * @param sampleMaxAge RTT samples older than this are dropped by {@link LatencyTiers#prune} ({@code rtt-sample-max-age})
 * @param maxContacts contacts with samples kept; the least recently sampled goes first ({@code rtt-max-contacts})
 */
record TierSettings(int maxTiers, Duration tierInterval, Duration sampleMaxAge, int maxContacts) {
  public TierSettings {
    if (maxTiers < 1 || tierInterval.toMillis() <= 0 || sampleMaxAge.toMillis() <= 0 || maxContacts < 1) {
      throw new IllegalArgumentException("max-tiers, tier-interval, rtt-sample-max-age and rtt-max-contacts must be "
          + "positive");
    }
  }

  public static TierSettings fromConfig(Config dht) {
    return new TierSettings(dht.getInt("max-tiers"), dht.getDuration("tier-interval"),
        dht.getDuration("rtt-sample-max-age"), dht.getInt("rtt-max-contacts"));
  }

  /** The documented defaults of {@code reference.conf}. */
  public static TierSettings defaults() {
    return fromConfig(ConfigFactory.defaultReference().getConfig("quicmesh.dht"));
  }
}
