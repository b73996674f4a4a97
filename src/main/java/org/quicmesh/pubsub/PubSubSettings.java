package org.quicmesh.pubsub;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.quicmesh.wire.Limits;

/**
 * GossipSub settings, read from {@code quicmesh.pubsub} ({@code conf/reference.conf} documents each key).
 *
 * @param d target mesh degree ({@code d})
 * @param dLow below this the heartbeat grafts up to {@code d} ({@code d-low}); reaching it is the readiness signal
 * @param dHigh above this the heartbeat prunes down to {@code d} ({@code d-high})
 * @param dLazy least number of non-mesh peers receiving IHave gossip per heartbeat ({@code d-lazy})
 * @param gossipFactor share of eligible non-mesh peers receiving gossip when that is more than {@code dLazy}
 *     ({@code gossip-factor})
 * @param heartbeat mesh maintenance interval ({@code heartbeat})
 * @param fanoutTtl a fanout without publish for this long is dropped ({@code fanout-ttl})
 * @param pruneBackoff no regraft between two peers for this long after a prune ({@code prune-backoff})
 * @param unsubscribeBackoff backoff towards our mesh peers when we leave a topic ({@code unsubscribe-backoff})
 * @param prunePeers most peer-exchange contacts in one Prune ({@code prune-peers})
 * @param mcacheGossip message cache windows whose ids are gossiped ({@code mcache-gossip})
 * @param mcacheLen message cache windows kept for IWant answers ({@code mcache-len}); at most {@code seen-ttl}
 * @param mcacheMaxBytes most wire bytes of messages the cache holds; over that the oldest go first
 *     ({@code mcache-max-bytes})
 * @param seenCacheSize most message ids remembered for deduplication ({@code seen-cache-size})
 * @param seenTtl how long a seen message id is remembered ({@code seen-ttl})
 * @param maxPeerQueueBytes outbound bytes queued per peer before the peer counts as slow ({@code max-peer-queue-bytes})
 * @param connectPeers peers the router keeps message streams to, found through the DHT ({@code connect-peers}); peers
 *     that connect to us come on top
 * @param floodPublish our own messages on a subscribed topic go to every known subscriber, not only the mesh
 *     ({@code flood-publish}, GossipSub v1.1)
 * @param floodPublishMaxPeers at most this many peers get a flood-published message: the mesh, then random other
 *     subscribers ({@code flood-publish-max-peers}; 0 = every known subscriber)
 * @param dFast share of the mesh chosen (and kept when trimming) for the lowest round-trip time, out of {@code d}; the
 *     rest is random ({@code d-fast})
 * @param rttProbeInterval how often the round-trip time to each stream peer is measured ({@code rtt-probe-interval})
 * @param opportunisticGraftTicks every this many heartbeats, peers faster than the mesh median are grafted
 *     ({@code opportunistic-graft-ticks}; 0 = never)
 * @param opportunisticGraftPeers at most this many such grafts at a time ({@code opportunistic-graft-peers})
 * @param choke when and how mesh peers that only send late duplicates are choked ({@code choke})
 */
public record PubSubSettings(
    int d,
    int dLow,
    int dHigh,
    int dLazy,
    double gossipFactor,
    Duration heartbeat,
    Duration fanoutTtl,
    Duration pruneBackoff,
    Duration unsubscribeBackoff,
    int prunePeers,
    int mcacheGossip,
    int mcacheLen,
    long mcacheMaxBytes,
    int seenCacheSize,
    Duration seenTtl,
    long maxPeerQueueBytes,
    int connectPeers,
    boolean floodPublish,
    int floodPublishMaxPeers,
    int dFast,
    Duration rttProbeInterval,
    int opportunisticGraftTicks,
    int opportunisticGraftPeers,
    ChokeSettings choke) {

  public PubSubSettings {
    if (!(dLow >= 1 && dLow <= d && d <= dHigh)) {
      throw new IllegalArgumentException(
          "pubsub degrees must satisfy 1 <= d-low <= d <= d-high, got d-low=" + dLow + " d=" + d + " d-high=" + dHigh);
    }
    if (dLazy < 0 || !(gossipFactor >= 0 && gossipFactor <= 1)) {
      throw new IllegalArgumentException("pubsub d-lazy must be >= 0 and gossip-factor in [0, 1]");
    }
    if (floodPublishMaxPeers < 0) {
      throw new IllegalArgumentException("pubsub flood-publish-max-peers must be >= 0 (0: no bound)");
    }
    if (heartbeat.toMillis() <= 0 || fanoutTtl.toMillis() <= 0 || seenTtl.toMillis() <= 0) {
      throw new IllegalArgumentException("pubsub heartbeat, fanout-ttl and seen-ttl must be positive");
    }
    // Backoffs travel in Prune messages, whose decoder refuses more than Limits.MAX_BACKOFF_MILLIS.
    for (Duration backoff : new Duration[] {pruneBackoff, unsubscribeBackoff}) {
      if (backoff.isNegative() || backoff.toMillis() > Limits.MAX_BACKOFF_MILLIS) {
        throw new IllegalArgumentException(
            "pubsub backoffs must be in [0, " + Limits.MAX_BACKOFF_MILLIS + " ms], got " + backoff);
      }
    }
    if (prunePeers < 0 || prunePeers > Limits.MAX_CONTACTS) {
      throw new IllegalArgumentException("pubsub prune-peers must be in [0, " + Limits.MAX_CONTACTS + "]");
    }
    if (!(mcacheGossip >= 1 && mcacheGossip <= mcacheLen)) {
      throw new IllegalArgumentException("pubsub windows must satisfy 1 <= mcache-gossip <= mcache-len");
    }
    // A message answered after its receivers forgot its id would be delivered to them a second time.
    if (mcacheLen * heartbeat.toMillis() > seenTtl.toMillis()) {
      throw new IllegalArgumentException("pubsub mcache-len heartbeats must not outlast seen-ttl");
    }
    if (mcacheMaxBytes <= 0) {
      throw new IllegalArgumentException("pubsub mcache-max-bytes must be positive");
    }
    if (connectPeers < dHigh) {
      throw new IllegalArgumentException("pubsub connect-peers must be at least d-high");
    }
    if (seenCacheSize <= 0 || maxPeerQueueBytes <= 0) {
      throw new IllegalArgumentException("pubsub seen-cache-size and max-peer-queue-bytes must be positive");
    }
    if (dFast < 0 || dFast > d) {
      throw new IllegalArgumentException("pubsub d-fast must be in [0, d], got " + dFast);
    }
    if (rttProbeInterval.toMillis() <= 0 || opportunisticGraftTicks < 0 || opportunisticGraftPeers < 0) {
      throw new IllegalArgumentException("pubsub rtt-probe-interval must be positive, opportunistic-graft-* >= 0");
    }
    if (choke == null) {
      throw new IllegalArgumentException("pubsub choke settings are missing");
    }
  }

  /** Reads the settings from the {@code quicmesh.pubsub} config section. */
  public static PubSubSettings fromConfig(Config pubsub) {
    return new PubSubSettings(
        pubsub.getInt("d"),
        pubsub.getInt("d-low"),
        pubsub.getInt("d-high"),
        pubsub.getInt("d-lazy"),
        pubsub.getDouble("gossip-factor"),
        pubsub.getDuration("heartbeat"),
        pubsub.getDuration("fanout-ttl"),
        pubsub.getDuration("prune-backoff"),
        pubsub.getDuration("unsubscribe-backoff"),
        pubsub.getInt("prune-peers"),
        pubsub.getInt("mcache-gossip"),
        pubsub.getInt("mcache-len"),
        pubsub.getBytes("mcache-max-bytes"),
        pubsub.getInt("seen-cache-size"),
        pubsub.getDuration("seen-ttl"),
        pubsub.getBytes("max-peer-queue-bytes"),
        pubsub.getInt("connect-peers"),
        pubsub.getBoolean("flood-publish"),
        pubsub.getInt("flood-publish-max-peers"),
        pubsub.getInt("d-fast"),
        pubsub.getDuration("rtt-probe-interval"),
        pubsub.getInt("opportunistic-graft-ticks"),
        pubsub.getInt("opportunistic-graft-peers"),
        ChokeSettings.fromConfig(pubsub.getConfig("choke")));
  }

  /** The documented defaults of {@code reference.conf}. */
  public static PubSubSettings defaults() {
    return fromConfig(ConfigFactory.defaultReference().getConfig("quicmesh.pubsub"));
  }

  public long heartbeatMillis() {
    return heartbeat.toMillis();
  }

  public long fanoutTtlMillis() {
    return fanoutTtl.toMillis();
  }

  public long pruneBackoffMillis() {
    return pruneBackoff.toMillis();
  }

  public long unsubscribeBackoffMillis() {
    return unsubscribeBackoff.toMillis();
  }

  /** A copy with other mesh degrees (tests and the simulator explore them); d-fast is capped at the new d. */
  public PubSubSettings withDegrees(int newD, int newDLow, int newDHigh, int newDLazy) {
    return new PubSubSettings(newD, newDLow, newDHigh, newDLazy, gossipFactor, heartbeat, fanoutTtl, pruneBackoff,
        unsubscribeBackoff, prunePeers, mcacheGossip, mcacheLen, mcacheMaxBytes, seenCacheSize, seenTtl,
        maxPeerQueueBytes,
        Math.max(connectPeers, newDHigh), floodPublish, floodPublishMaxPeers, Math.min(dFast, newD), rttProbeInterval,
        opportunisticGraftTicks, opportunisticGraftPeers, choke);
  }
}
