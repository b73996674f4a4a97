package org.quicmesh.dht;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Settings of iterative lookups and adaptive α, from {@code quicmesh.dht} in {@code conf/reference.conf}.
 *
 * @param alphaInitial α before any lookup outcome is known
 * @param alphaMin lower bound of adaptive α
 * @param alphaMax upper bound of adaptive α
 * @param alphaWindow recent lookups that drive adaptive α
 * @param slowAfter soft timeout ({@link LookupState#onSlow}) of a request to a contact whose RTT we do not know
 * @param tierWindowFactor tier-preference window of a lookup, as a multiple of α
 * @param candidateFactor unqueried candidates kept per lookup, as a multiple of k
 * @param finalBurst ask all remaining k closest at once after convergence ({@link LookupTuning#finalBurst()})
 * @param resiliency β: a lookup finishes once the β closest responsive contacts answered
 *     ({@link LookupTuning#resiliency()})
 * @param slowRttFactor soft timeout of a contact with a known RTT, as a multiple of that RTT
 * @param slowMin the soft timeout is never shorter than this
 */
record LookupSettings(
    int alphaInitial,
    int alphaMin,
    int alphaMax,
    int alphaWindow,
    Duration slowAfter,
    int tierWindowFactor,
    int candidateFactor,
    boolean finalBurst,
    int resiliency,
    double slowRttFactor,
    Duration slowMin) {

  public LookupSettings {
    if (alphaMin < 1 || alphaMax < alphaMin || alphaInitial < alphaMin || alphaInitial > alphaMax) {
      throw new IllegalArgumentException("need 1 <= alpha-min <= alpha-initial <= alpha-max");
    }
    if (alphaWindow < 1 || tierWindowFactor < 1 || candidateFactor < 1 || resiliency < 1) {
      throw new IllegalArgumentException(
          "alpha-window, lookup-tier-window, lookup-candidate-factor, lookup-resiliency must be >= 1");
    }
    Objects.requireNonNull(slowAfter, "slowAfter");
    Objects.requireNonNull(slowMin, "slowMin");
    if (slowAfter.isNegative() || slowAfter.isZero() || slowMin.isNegative() || slowMin.isZero()) {
      throw new IllegalArgumentException("lookup-slow-after and lookup-slow-min must be positive");
    }
    if (!(slowRttFactor >= 1.0)) {
      throw new IllegalArgumentException("lookup-slow-rtt-factor must be >= 1");
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
        dht.getBoolean("lookup-final-burst"),
        dht.getInt("lookup-resiliency"),
        dht.getDouble("lookup-slow-rtt-factor"),
        dht.getDuration("lookup-slow-min"));
  }

  /** The per-lookup knobs for {@link LookupState}. */
  public LookupTuning tuning() {
    return new LookupTuning(tierWindowFactor, candidateFactor, finalBurst, resiliency);
  }

  /**
   * The soft timeout of a request to a contact: {@code max(slowRttFactor × rtt, slowMin)} when its RTT is known, else
   * {@code slowAfter}. A live peer answers within a small multiple of its RTT, so a silent one frees its α slot (and
   * stops holding back termination) after a few RTTs instead of a fixed second.
   */
  public long slowAfterMillis(OptionalDouble rttMillis) {
    if (rttMillis.isEmpty()) {
      return slowAfter.toMillis();
    }
    return Math.max((long) Math.ceil(slowRttFactor * rttMillis.getAsDouble()), slowMin.toMillis());
  }
}
