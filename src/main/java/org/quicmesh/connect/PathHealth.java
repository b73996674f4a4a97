package org.quicmesh.connect;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * RTT and liveness of the two paths of a connected peer (its direct path and its relay), from the checks a prober
 * sends on each. A path is alive while fewer than {@code maxMisses} checks in a row went unanswered. The choice:
 * direct while it is alive, unless the relay is faster by more than {@code relayAdvantageMillis}; the relay when
 * direct is dead; direct again as soon as it answers. Pure; time passed in.
 */
final class PathHealth {
  /** Which of the two paths. */
  enum Which { DIRECT, RELAYED }

  private static final double RTT_WEIGHT = 0.25;

  private final int maxMisses;
  private final long relayAdvantageMillis;
  private final Map<Long, Pending> pending = new HashMap<>();
  private final Stats direct = new Stats();
  private final Stats relayed = new Stats();

  private record Pending(Which path, long sentAtMillis) {}

  /** Per-path figures. */
  static final class Stats {
    int sent;
    int answered;
    int missesInRow;
    double rttMillis = Double.NaN;

    OptionalDouble rtt() {
      return Double.isNaN(rttMillis) ? OptionalDouble.empty() : OptionalDouble.of(rttMillis);
    }

    /** Fraction of checks not answered so far (0 before any). */
    double loss() {
      return sent == 0 ? 0 : 1.0 - (double) answered / sent;
    }
  }

  PathHealth(int maxMisses, long relayAdvantageMillis) {
    this.maxMisses = maxMisses;
    this.relayAdvantageMillis = relayAdvantageMillis;
  }

  /** A check went out on {@code path}; the previous one still pending on it counts as missed. */
  void sent(Which path, long transaction, long nowMillis) {
    Stats stats = stats(path);
    if (pending.values().removeIf(p -> p.path == path)) {
      stats.missesInRow++;
    }
    stats.sent++;
    pending.put(transaction, new Pending(path, nowMillis));
  }

  /** A path proved working outside the probes (an ICE check answered in {@code rttMillis}). */
  void proven(Which path, long rttMillis) {
    Stats stats = stats(path);
    stats.sent++;
    stats.answered++;
    stats.missesInRow = 0;
    stats.rttMillis = rttMillis;
  }

  /** An answer arrived; returns the path it proved, if it answered a pending check. */
  java.util.Optional<Which> answered(long transaction, long nowMillis) {
    Pending p = pending.remove(transaction);
    if (p == null) {
      return java.util.Optional.empty();
    }
    Stats stats = stats(p.path);
    long rtt = Math.max(0, nowMillis - p.sentAtMillis);
    stats.rttMillis = Double.isNaN(stats.rttMillis) ? rtt : (1 - RTT_WEIGHT) * stats.rttMillis + RTT_WEIGHT * rtt;
    stats.answered++;
    stats.missesInRow = 0;
    return java.util.Optional.of(p.path);
  }

  boolean alive(Which path) {
    Stats stats = stats(path);
    return stats.answered > 0 && stats.missesInRow < maxMisses;
  }

  /** The path to send over now, given which paths exist. */
  Which preferred(boolean hasRelay) {
    if (!hasRelay) {
      return Which.DIRECT;
    }
    if (!alive(Which.DIRECT)) {
      return Which.RELAYED;
    }
    OptionalDouble d = direct.rtt();
    OptionalDouble r = relayed.rtt();
    if (alive(Which.RELAYED) && d.isPresent() && r.isPresent()
        && r.getAsDouble() + relayAdvantageMillis < d.getAsDouble()) {
      return Which.RELAYED;
    }
    return Which.DIRECT;
  }

  Stats stats(Which path) {
    return path == Which.DIRECT ? direct : relayed;
  }
}
