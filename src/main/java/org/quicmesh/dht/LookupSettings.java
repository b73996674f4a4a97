package org.quicmesh.dht;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of iterative lookups and adaptive α, from {@code quicmesh.dht} in {@code conf/reference.conf}.
 *
 * @param alphaInitial α before any lookup outcome is known
 * @param alphaMin lower bound of adaptive α
 * @param alphaMax upper bound of adaptive α
 * @param alphaWindow recent lookups that drive adaptive α
 * @param slowAfter soft timeout: a request unanswered this long frees its α slot ({@link LookupState#onSlow})
 * @param tierWindowFactor tier-preference window of a lookup, as a multiple of α
 * @param candidateFactor unqueried candidates kept per lookup, as a multiple of k
 * @param finalBurst ask all remaining k closest at once after convergence ({@link LookupTuning#finalBurst()})
 */
public record LookupSettings(
    int alphaInitial,
    int alphaMin,
    int alphaMax,
    int alphaWindow,
    Duration slowAfter,
    int tierWindowFactor,
    int candidateFactor,
    boolean finalBurst) {

  public LookupSettings {
    if (alphaMin < 1 || alphaMax < alphaMin || alphaInitial < alphaMin || alphaInitial > alphaMax) {
      throw new IllegalArgumentException("need 1 <= alpha-min <= alpha-initial <= alpha-max");
    }
    if (alphaWindow < 1 || tierWindowFactor < 1 || candidateFactor < 1) {
      throw new IllegalArgumentException("alpha-window, lookup-tier-window, lookup-candidate-factor must be >= 1");
    }
    Objects.requireNonNull(slowAfter, "slowAfter");
    if (slowAfter.isNegative() || slowAfter.isZero()) {
      throw new IllegalArgumentException("lookup-slow-after must be positive");
    }
  }

  /** Reads the settings from the {@code quicmesh.dht} config section. */
  public static LookupSettings fromConfig(Config dht) {
    return new LookupSettings(
        dht.getInt("alpha-initial"),
        dht.getInt("alpha-min"),
        dht.getInt("alpha-max"),
        dht.getInt("alpha-window"),
        dht.getDuration("lookup-slow-after"),
        dht.getInt("lookup-tier-window"),
        dht.getInt("lookup-candidate-factor"),
        dht.getBoolean("lookup-final-burst"));
  }

  /** The per-lookup knobs for {@link LookupState}. */
  public LookupTuning tuning() {
    return new LookupTuning(tierWindowFactor, candidateFactor, finalBurst);
  }
}
