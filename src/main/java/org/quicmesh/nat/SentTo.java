package org.quicmesh.nat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where this node's sockets sent packets lately: its NAT's filter state, as far as the node can see it from inside.
 * A dial-back proves endpoint-independent (or address-dependent) filtering only if it comes from an address that is
 * not in here: a filter admits whoever the node sent to within its lifetime. Fed by the transport on its own threads
 * (requests, streams, answers to inbound requests, raw datagrams), read by the detector; lock-free.
 *
 * <p>Bounded: past {@code capacity} entries, those older than {@code memory} are swept; if that is not enough the
 * log calls itself saturated until a sweep succeeds, and then counts every address as contacted (an arrival proves
 * nothing, which is the safe side).
 */
public final class SentTo {
  private final Clock clock;
  private final Duration memory;
  private final int capacity;
  private final Map<InetSocketAddress, Instant> byAddress = new ConcurrentHashMap<>();
  private final Map<InetAddress, Instant> byIp = new ConcurrentHashMap<>();
  private volatile boolean saturated;

  public SentTo(Clock clock, Duration memory, int capacity) {
    this.clock = clock;
    this.memory = memory;
    this.capacity = capacity;
  }

  /** The node sent (or is about to send) a packet to {@code to}. */
  public void record(InetSocketAddress to) {
    if (to == null || to.isUnresolved()) {
      return;
    }
    Instant now = clock.instant();
    byAddress.put(to, now);
    byIp.put(to.getAddress(), now);
    if (byAddress.size() > capacity) {
      Instant cutoff = now.minus(memory);
      byAddress.values().removeIf(at -> at.isBefore(cutoff));
      byIp.values().removeIf(at -> at.isBefore(cutoff));
      saturated = byAddress.size() > capacity;
    }
  }

  /** Whether the node sent to {@code address} within the memory. */
  public boolean sentTo(InetSocketAddress address) {
    return saturated || recent(byAddress.get(address));
  }

  /** Whether the node sent to any port at {@code ip} within the memory. */
  public boolean sentToIp(InetAddress ip) {
    return saturated || recent(byIp.get(ip));
  }

  /** Up to {@code max} IPs sent to within the memory, the most recent first. */
  public List<InetAddress> recentIps(int max) {
    return byIp.entrySet().stream()
        .filter(e -> recent(e.getValue()))
        .sorted(Map.Entry.<InetAddress, Instant>comparingByValue(Comparator.reverseOrder()))
        .limit(max)
        .map(Map.Entry::getKey)
        .toList();
  }

  private boolean recent(Instant at) {
    return at != null && !at.isBefore(clock.instant().minus(memory));
  }
}
