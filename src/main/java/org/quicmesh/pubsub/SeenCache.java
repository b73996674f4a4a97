package org.quicmesh.pubsub;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Message ids seen recently, for deduplication: a message is processed (delivered, forwarded) only the first time its
 * id is seen within {@code ttlMillis}. An entry lives {@code ttlMillis} from its first sighting (later sightings do
 * not extend it, as in libp2p's "first seen" time cache) and the cache holds at most {@code maxEntries}: beyond that
 * the oldest entry is evicted, so memory is bounded whatever the message rate.
 *
 * <p>Entries sit in insertion order, which is also expiry order while time does not go backwards, so expiry and
 * eviction only ever look at the head: O(1) amortised per call. Not thread-safe (owned by one actor).
 */
final class SeenCache {
  /** GossipSub default: 2 minutes. */
  public static final long DEFAULT_TTL_MILLIS = 120_000;
  /** Quicmesh default bound. */
  public static final int DEFAULT_MAX_ENTRIES = 10_000;

  private final int maxEntries;
  private final long ttlMillis;
  private final LinkedHashMap<MessageId, Long> firstSeenAt = new LinkedHashMap<>();
  private long evicted;

  /**
   * @param maxEntries most ids held (at least 1)
   * @param ttlMillis how long an id counts as seen (positive)
   */
  public SeenCache(int maxEntries, long ttlMillis) {
    if (maxEntries < 1 || ttlMillis <= 0) {
      throw new IllegalArgumentException("need maxEntries >= 1 and ttlMillis > 0");
    }
    this.maxEntries = maxEntries;
    this.ttlMillis = ttlMillis;
  }

  /** With the defaults: 10,000 entries, 2 minutes. */
  public SeenCache() {
    this(DEFAULT_MAX_ENTRIES, DEFAULT_TTL_MILLIS);
  }

  /**
   * Records a sighting of {@code id}.
   *
   * @return true if the id was not seen within the TTL (process the message), false for a duplicate
   */
  public boolean firstSeen(MessageId id, long nowMillis) {
    expire(nowMillis);
    Long seenAt = firstSeenAt.get(id);
    if (seenAt != null && nowMillis - seenAt < ttlMillis) {
      return false;
    }
    if (seenAt != null) {
      firstSeenAt.remove(id); // stale entry (the clock went backwards): re-insert at the tail
    }
    firstSeenAt.put(id, nowMillis);
    if (firstSeenAt.size() > maxEntries) {
      Iterator<MessageId> oldest = firstSeenAt.keySet().iterator();
      oldest.next();
      oldest.remove();
      evicted++;
    }
    return true;
  }

  /** Whether {@code id} was seen within the TTL, without recording a sighting (to filter IHave ids). */
  public boolean contains(MessageId id, long nowMillis) {
    return firstSeenAt(id, nowMillis) >= 0;
  }

  /** When {@code id} was first seen within the TTL, or -1 when it was not. */
  public long firstSeenAt(MessageId id, long nowMillis) {
    expire(nowMillis);
    Long seenAt = firstSeenAt.get(id);
    return seenAt != null && nowMillis - seenAt < ttlMillis ? seenAt : -1;
  }

  /** Ids currently held (after the last expiry). */
  public int size() {
    return firstSeenAt.size();
  }

  /** Ids dropped before their TTL because the cache was full (a sign the bound is too small for the load). */
  public long evictedBeforeExpiry() {
    return evicted;
  }

  private void expire(long nowMillis) {
    Iterator<Map.Entry<MessageId, Long>> it = firstSeenAt.entrySet().iterator();
    while (it.hasNext()) {
      if (nowMillis - it.next().getValue() < ttlMillis) {
        return;
      }
      it.remove();
    }
  }
}
