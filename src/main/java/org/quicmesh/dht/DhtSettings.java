package org.quicmesh.dht;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * All DHT settings, read from {@code quicmesh.dht} (see {@code conf/reference.conf}).
 *
 * @param resultSize contacts a lookup returns and a FindNode answer carries (20: independent of the adaptive k, so a
 *     quiet network with k = 10 still finds the 20 closest)
 * @param rpcTimeout per-request timeout of DHT RPCs
 * @param maintenanceInterval how often k adapts, buckets are checked for refresh, samples pruned and the store swept
 * @param republishInterval how often our own values are stored again (at most half their TTL), and how often held
 *     copies are, unless a Store refreshed them within it
 * @param recordTtl lifetime of our published endpoint records
 * @param bootstrapRetryMax longest wait between bootstrap attempts when no seed answers (backoff doubles from 1 s)
 */
public record DhtSettings(
    RoutingSettings routing,
    LookupSettings lookup,
    StoreSettings store,
    TierSettings tiers,
    int resultSize,
    Duration rpcTimeout,
    Duration maintenanceInterval,
    Duration republishInterval,
    Duration recordTtl,
    Duration bootstrapRetryMax) {

  public static DhtSettings fromConfig(Config dht, Duration rpcTimeout) {
    return new DhtSettings(
        RoutingSettings.fromConfig(dht),
        LookupSettings.fromConfig(dht),
        StoreSettings.fromConfig(dht),
        TierSettings.fromConfig(dht),
        dht.getInt("result-size"),
        dht.hasPath("rpc-timeout") ? dht.getDuration("rpc-timeout") : rpcTimeout,
        dht.getDuration("maintenance-interval"),
        dht.getDuration("republish-interval"),
        dht.getDuration("endpoint-record-ttl"),
        dht.getDuration("bootstrap-retry-max"));
  }
}
