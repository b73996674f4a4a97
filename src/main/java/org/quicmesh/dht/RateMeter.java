package org.quicmesh.dht;

/**
 * Events per second as an exponentially weighted moving average with time constant {@code tauMillis}: a steady
 * stream of r events/s reads as r, a burst fades with e^(-t/tau). O(1) memory, no timers; time is passed in.
 */
final class RateMeter {
  private final double tauMillis;
  private double level;
  private long last;

  public RateMeter(long tauMillis, long nowMillis) {
    if (tauMillis <= 0) {
      throw new IllegalArgumentException("tau must be positive");
    }
    this.tauMillis = tauMillis;
    this.last = nowMillis;
  }

  /** Counts one event at {@code nowMillis}. */
  public void record(long nowMillis) {
    decay(nowMillis);
    level += 1;
  }

  /** The current rate estimate in events per second. */
  public double perSecond(long nowMillis) {
    decay(nowMillis);
    return level * 1000.0 / tauMillis;
  }

  private void decay(long nowMillis) {
    if (nowMillis > last) {
      level *= Math.exp(-(nowMillis - last) / tauMillis);
      last = nowMillis;
    }
  }
}
