package org.quicmesh.pubsub;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The event counters of one topic: written by the topic's actor as it sends, read by the router when it reports
 * telemetry (the sum over its own counters and every topic's). Thread-safe because those two actors may run on
 * different threads; the router creates them, so they outlive the topic's restarts.
 */
final class TopicCounters {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void increment(String name) {
    add(name, 1);
  }

  void add(String name, long delta) {
    counts.computeIfAbsent(name, n -> new LongAdder()).add(delta);
  }

  long get(String name) {
    LongAdder count = counts.get(name);
    return count == null ? 0 : count.sum();
  }

  /** Adds every count to {@code into}. */
  void addTo(Map<String, Long> into) {
    counts.forEach((name, count) -> into.merge(name, count.sum(), Long::sum));
  }

  /** A copy, sorted by name. */
  Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    addTo(copy);
    return copy;
  }
}
