package org.quicmesh.dht;

/**
 * Knobs of one {@link LookupState} beyond k and α.
 *
 * @param tierWindowFactor the tier-preference window is the {@code tierWindowFactor × α} closest unqueried candidates
 *     (≥ 1)
 * @param candidateFactor at most {@code candidateFactor × k} unqueried candidates are kept (≥ 1)
 * @param finalBurst when true, once the lookup has converged (α answers in a row named nothing closer than the
 *     closest contact already known) the in-flight limit rises from α to k, so the remaining unqueried contacts among
 *     the k closest are asked at once, as in the last step of the original Kademlia paper. This trades α-bounded
 *     traffic for latency: the termination rule needs all k closest to answer, which at α in flight takes about
 *     k/α sequential RTTs
 */
public record LookupTuning(int tierWindowFactor, int candidateFactor, boolean finalBurst) {
  /** Window 2α, 3k candidates, strict α (no final burst). */
  public static final LookupTuning DEFAULT = new LookupTuning(2, 3, false);

  public LookupTuning {
    if (tierWindowFactor < 1 || candidateFactor < 1) {
      throw new IllegalArgumentException("tierWindowFactor and candidateFactor must be >= 1");
    }
  }

  public LookupTuning withFinalBurst(boolean on) {
    return new LookupTuning(tierWindowFactor, candidateFactor, on);
  }
}
