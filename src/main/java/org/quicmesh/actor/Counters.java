package org.quicmesh.actor;

import java.util.Map;
import java.util.TreeMap;

/** Named event counters of one actor. Not thread-safe: owned by the actor that counts. */
public final class Counters {
  private final Map<String, Long> counts = new TreeMap<>();

  public void increment(String name) {
    add(name, 1);
  }

  public void add(String name, long delta) {
    counts.merge(name, delta, Long::sum);
  }

  public long get(String name) {
    return counts.getOrDefault(name, 0L);
  }

  /** An immutable copy, sorted by name. */
  public Map<String, Long> snapshot() {
    return Map.copyOf(counts);
  }
}
