package org.quicmesh.transport.sim;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.function.ToIntFunction;

/** One-way delay between two simulated hosts. Must be symmetric and stable for a pair (no reordering on a link). */
@FunctionalInterface
public interface LatencyModel {

  Duration oneWay(InetSocketAddress from, InetSocketAddress to);

  /**
   * Parses a command-line model: {@code constant:RTT_MS}, {@code uniform:MIN_MS-MAX_MS} or {@code geo:MIN_MS-MAX_MS}
   * (round-trip times).
   */
  static LatencyModel parse(String spec, long seed) {
    String[] parts = spec.split(":", 2);
    try {
      if (parts.length == 2 && parts[0].equals("constant")) {
        return constant(Duration.ofNanos((long) (Double.parseDouble(parts[1]) * 1_000_000 / 2)));
      }
      if (parts.length == 2 && (parts[0].equals("uniform") || parts[0].equals("geo"))) {
        String[] range = parts[1].split("-", 2);
        Duration min = Duration.ofMillis(Long.parseLong(range[0]));
        Duration max = Duration.ofMillis(Long.parseLong(range[1]));
        return parts[0].equals("geo") ? geoRtt(min, max, seed) : uniformRtt(min, max, seed);
      }
    } catch (RuntimeException e) {
      // fall through to the usage error
    }
    throw new IllegalArgumentException("latency model must be constant:RTT_MS, uniform:MIN_MS-MAX_MS or "
        + "geo:MIN_MS-MAX_MS, got '" + spec + "'");
  }

  /** The same delay on every link. */
  static LatencyModel constant(Duration oneWay) {
    return (from, to) -> oneWay;
  }

  /**
   * Each pair of hosts gets a round-trip time drawn uniformly from [minRtt, maxRtt], fixed for the pair by hashing
   * the pair with the seed (so it needs no table and is the same in both directions).
   */
  static LatencyModel uniformRtt(Duration minRtt, Duration maxRtt, long seed) {
    long minMicros = minRtt.toNanos() / 1000;
    long spanMicros = Math.max(0, maxRtt.toNanos() / 1000 - minMicros);
    return (from, to) -> {
      int a = from.hashCode();
      int b = to.hashCode();
      long h = mix(seed ^ mix(Math.min(a, b) * 0x9E3779B97F4A7C15L + Math.max(a, b)));
      long rttMicros = minMicros + Math.floorMod(h, spanMicros + 1);
      return Duration.ofNanos(rttMicros * 1000 / 2);
    };
  }

  /**
   * Hosts on a map: each IP address gets a point in the unit square (by hashing it with the seed; the port does not
   * count, so every mapping a NAT makes sits where its box is), and a pair's round-trip time is {@code minRtt} plus
   * its distance scaled so the farthest corners are {@code maxRtt} apart. Unlike {@link #uniformRtt}, a detour is
   * never faster than the direct link (distances obey the triangle inequality, and each leg pays {@code minRtt}).
   */
  static LatencyModel geoRtt(Duration minRtt, Duration maxRtt, long seed) {
    long minMicros = minRtt.toNanos() / 1000;
    double spanMicros = Math.max(0, maxRtt.toNanos() / 1000 - minMicros);
    return (from, to) -> {
      long a = mix(seed ^ from.getAddress().hashCode());
      long b = mix(seed ^ to.getAddress().hashCode());
      double dx = unit(a) - unit(b);
      double dy = unit(mix(a)) - unit(mix(b));
      long rttMicros = minMicros + Math.round(spanMicros * Math.sqrt(dx * dx + dy * dy) / Math.sqrt(2));
      return Duration.ofNanos(rttMicros * 1000 / 2);
    };
  }

  /** A hash's top 53 bits as a number in [0, 1). */
  private static double unit(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }

  /** One-way delays from a matrix indexed by a host numbering (e.g. measured RTT/2 between regions). */
  static LatencyModel matrix(Duration[][] oneWay, ToIntFunction<InetSocketAddress> index) {
    return (from, to) -> oneWay[index.applyAsInt(from)][index.applyAsInt(to)];
  }

  /** Hosts grouped into regions, with a delay per pair of regions (a compact matrix). */
  static LatencyModel regions(Map<InetSocketAddress, Integer> regionOf, Duration[][] oneWay) {
    return matrix(oneWay, address -> regionOf.getOrDefault(address, 0));
  }

  private static long mix(long z) {
    // SplitMix64 finaliser: a cheap, well-distributed hash.
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
