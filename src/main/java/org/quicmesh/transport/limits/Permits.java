package org.quicmesh.transport.limits;

import java.util.HashMap;
import java.util.Map;

/**
 * Concurrent holders per key and in all (connections per source IP, in-flight requests per peer): a permit is taken
 * when a holder starts and given back when it ends, whatever way it ends. Keys without holders are forgotten, so
 * memory follows the live holders only.
 */
public final class Permits<K> {
  /** Why a permit was or was not granted. */
  public enum Verdict {
    GRANTED,
    /** The key already holds {@code perKey} permits. */
    OVER_KEY_LIMIT,
    /** All keys together hold {@code total} permits. */
    OVER_TOTAL_LIMIT
  }

  private final int perKey;
  private final int total;
  private final Map<K, Integer> held = new HashMap<>();
  private int inUse;

  /** Use {@link Integer#MAX_VALUE} for a limit that does not apply. */
  public Permits(int perKey, int total) {
    if (perKey <= 0 || total <= 0) {
      throw new IllegalArgumentException("perKey and total must be positive");
    }
    this.perKey = perKey;
    this.total = total;
  }

  /** Takes a permit for {@code key} unless a limit is reached; a refused attempt changes nothing. */
  public synchronized Verdict tryAcquire(K key) {
    return tryAcquire(key, true);
  }

  /**
   * As {@link #tryAcquire(Object)}; with {@code limitKey} false only the total applies (a key exempt from the per-key
   * limit, e.g. loopback, still counts towards the total).
   */
  public synchronized Verdict tryAcquire(K key, boolean limitKey) {
    if (inUse >= total) {
      return Verdict.OVER_TOTAL_LIMIT;
    }
    int mine = held.getOrDefault(key, 0);
    if (limitKey && mine >= perKey) {
      return Verdict.OVER_KEY_LIMIT;
    }
    held.put(key, mine + 1);
    inUse++;
    return Verdict.GRANTED;
  }

  /** Gives back a permit {@code key} holds; one the key does not hold is ignored (never drives a count negative). */
  public synchronized void release(K key) {
    Integer mine = held.get(key);
    if (mine == null) {
      return;
    }
    if (mine == 1) {
      held.remove(key);
    } else {
      held.put(key, mine - 1);
    }
    inUse--;
  }

  public synchronized int held(K key) {
    return held.getOrDefault(key, 0);
  }

  public synchronized int inUse() {
    return inUse;
  }

  public int perKey() {
    return perKey;
  }

  public int total() {
    return total;
  }
}
