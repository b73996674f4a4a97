package org.quicmesh.dht;

/**
 * Knobs of one {@link LookupState} beyond k and α.
 *
 * @param tierWindowFactor the tier-preference window is the {@code tierWindowFactor × α} closest unqueried candidates
 *     (≥ 1)
 * @param candidateFactor at most {@code candidateFactor × k} unqueried candidates are kept (≥ 1)
 * @param finalBurst when true, once the lookup has converged (an answer named nothing closer than the
 *     closest contact already known) the in-flight limit rises from α to k, so the remaining unqueried contacts among
 *     the k closest are asked at once, as in the last step of the original Kademlia paper. This trades α-bounded
 *     traffic for latency
 * @param resiliency β (≥ 1): the lookup finishes once the β closest responsive contacts known have answered (the
 *     termination rule of go-libp2p-kad-dht); {@code β ≥ k} gives the strict rule of the Kademlia paper (all k
 *     closest answered), which costs about k/α sequential round trips more
 */
record LookupTuning(int tierWindowFactor, int candidateFactor, boolean finalBurst, int resiliency) {
  /** Window 2α, 3k candidates, final burst on, β = 3. */
  public static final LookupTuning DEFAULT = new LookupTuning(2, 3, true, 3);

  public LookupTuning {
    if (tierWindowFactor < 1 || candidateFactor < 1 || resiliency < 1) {
      throw new IllegalArgumentException("tierWindowFactor, candidateFactor and resiliency must be >= 1");
    }
  }

  public LookupTuning withFinalBurst(boolean on) {
    return new LookupTuning(tierWindowFactor, candidateFactor, on, resiliency);
  }

  public LookupTuning withResiliency(int beta) {
    return new LookupTuning(tierWindowFactor, candidateFactor, finalBurst, beta);
  }
}
