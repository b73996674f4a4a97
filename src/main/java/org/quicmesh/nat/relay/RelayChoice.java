package org.quicmesh.nat.relay;

import java.util.Comparator;
import java.util.List;
import org.quicmesh.wire.Contact;

/**
 * Which relays a node behind a NAT keeps reservations with: the best {@code keep} by score = RTT (ms) + load x 100
 * + latency tier x 20, lower is better (load 0-1, tier 0 = fastest). A quiet relay a little farther away beats a busy
 * near one; a relay in a slow tier needs to be much quieter to win. Pure.
 */
final class RelayChoice {
  /** One relay's offer: its contact, how long its answer took, its load (permille) and its latency tier. */
  record Offer(Contact relay, long rttMillis, int loadPermille, int tier) {
    double score() {
      return rttMillis + loadPermille / 1000.0 * 100 + tier * 20.0;
    }
  }

  private RelayChoice() {}

  static List<Offer> best(List<Offer> offers, int keep) {
    return offers.stream()
        .sorted(Comparator.comparingDouble(Offer::score).thenComparing(o -> o.relay().id().toHex()))
        .limit(keep)
        .toList();
  }
}
