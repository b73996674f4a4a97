package org.quicmesh.dht;

import java.util.List;

/**
 * The latency tiers found by the last {@link LatencyTiers#recompute}: tier i (0 = fastest) is centred on
 * {@code centersMillis[i]}; {@code boundariesMillis[i]} separates tier i from tier i + 1 (the geometric mean of the two
 * centres, i.e. the midpoint on the log scale the clustering works on). An RTT equal to a boundary belongs to the
 * slower tier.
 */
record TierModel(List<Double> centersMillis, List<Double> boundariesMillis) {
  /** One tier and no centre: the model before any samples exist. */
  public static final TierModel SINGLE = new TierModel(List.of(), List.of());

  public TierModel {
    centersMillis = List.copyOf(centersMillis);
    boundariesMillis = List.copyOf(boundariesMillis);
    if (!centersMillis.isEmpty() && boundariesMillis.size() != centersMillis.size() - 1) {
      throw new IllegalArgumentException("t centres need t - 1 boundaries");
    }
  }

  /** Number of tiers, at least 1. */
  public int tiers() {
    return boundariesMillis.size() + 1;
  }

  /** The tier of a contact with this RTT. */
  public int tierOf(double rttMillis) {
    int tier = 0;
    while (tier < boundariesMillis.size() && rttMillis >= boundariesMillis.get(tier)) {
      tier++;
    }
    return tier;
  }

  /**
   * The tier given to contacts without samples: the middle one ({@code tiers / 2}, rounded down), so a measured fast
   * contact is preferred over an unknown one and an unknown one over a measured slow one.
   */
  public int defaultTier() {
    return tiers() / 2;
  }
}
