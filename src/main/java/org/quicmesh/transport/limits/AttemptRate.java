package org.quicmesh.transport.limits;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * At most {@code perSecond} attempts per key (a source IP) in each one-second window of the clock. Windows are
 * aligned for all keys, so the whole table is forgotten when a window ends: memory is bounded by the keys seen in one
 * second, and by {@code maxKeys} within it (a source beyond that is refused: a flood of many spoofed addresses then
 * hurts new sources only, not the node).
 *
 * <p>Fixed windows rather than {@code dht.TokenBucket}: the transport may not depend on the DHT, and a window lets
 * the table be dropped at once instead of sweeping idle buckets. A source may burst twice the rate across a window
 * edge, which is fine for a flood guard.
 */
public final class AttemptRate<K> {
  private final int perSecond;
  private final int maxKeys;
  private final Clock clock;
  private final Map<K, Integer> counts = new HashMap<>();
  private long window = Long.MIN_VALUE;

  public AttemptRate(int perSecond, int maxKeys, Clock clock) {
    if (perSecond <= 0 || maxKeys <= 0) {
      throw new IllegalArgumentException("perSecond and maxKeys must be positive");
    }
    this.perSecond = perSecond;
    this.maxKeys = maxKeys;
    this.clock = clock;
  }

  /** Counts one attempt of {@code key}: true if it is within the rate. */
  public synchronized boolean tryAttempt(K key) {
    long now = Math.floorDiv(clock.millis(), 1000);
    if (now != window) {
      window = now;
      counts.clear();
    }
    Integer count = counts.get(key);
    if (count == null) {
      if (counts.size() >= maxKeys) {
        return false;
      }
      counts.put(key, 1);
      return true;
    }
    if (count >= perSecond) {
      return false;
    }
    counts.put(key, count + 1);
    return true;
  }

  /** Sources counted in the current window (for tests and telemetry). */
  public synchronized int trackedKeys() {
    return counts.size();
  }
}
