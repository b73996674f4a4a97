package org.quicmesh.dht;

import java.time.Duration;

/**
 * Counts contacts lost to churn (dropped after failed probes or failed RPCs) over a sliding window and turns the loss
 * rate into a recommended bucket size k.
 *
 * <p>Formula: with {@code f} = fraction of the routing table lost per hour (losses in the window, scaled to an hour,
 * divided by the table size) and {@code T} = {@code churnLossPerHourForKMax},
 * {@code k = clamp(kMin + round((kMax - kMin) * min(1, f / T)), kMin, kMax)}. More churn means a larger k so that
 * enough of each bucket survives between refreshes; a quiet network falls back to k-min. Until one full window has
 * elapsed the estimate is not trusted and {@code kInitial} is recommended.
 *
 * <p>Memory is constant: the window is a ring of {@value #SLOTS} counters. Time is passed in by the caller.
 */
final class ChurnEstimator {
  static final int SLOTS = 60;

  private final long windowMillis;
  private final long slotMillis;
  private final long startMillis;
  private final int kInitial;
  private final int kMin;
  private final int kMax;
  private final double lossPerHourForKMax;
  private final long[] counts = new long[SLOTS];
  private final long[] slotIds = new long[SLOTS];
  private long totalLosses;

  public ChurnEstimator(Duration window, int kInitial, int kMin, int kMax, double lossPerHourForKMax,
      long startMillis) {
    if (window.toMillis() < SLOTS || kMin < 1 || kMax < kMin || kInitial < kMin || kInitial > kMax
        || !(lossPerHourForKMax > 0)) {
      throw new IllegalArgumentException("bad churn estimator parameters");
    }
    this.windowMillis = window.toMillis();
    this.slotMillis = windowMillis / SLOTS;
    this.startMillis = startMillis;
    this.kInitial = kInitial;
    this.kMin = kMin;
    this.kMax = kMax;
    this.lossPerHourForKMax = lossPerHourForKMax;
    java.util.Arrays.fill(slotIds, Long.MIN_VALUE);
  }

  /** An estimator with the window, k bounds and threshold of {@code settings}. */
  public static ChurnEstimator of(RoutingSettings settings, long startMillis) {
    return new ChurnEstimator(settings.churnWindow(), settings.kInitial(), settings.kMin(), settings.kMax(),
        settings.churnLossPerHourForKMax(), startMillis);
  }

  /** One contact disappeared at {@code nowMillis}. */
  public void recordLoss(long nowMillis) {
    long slot = Math.floorDiv(nowMillis, slotMillis);
    int i = (int) Math.floorMod(slot, SLOTS);
    if (slotIds[i] != slot) {
      slotIds[i] = slot;
      counts[i] = 0;
    }
    counts[i]++;
    totalLosses++;
  }

  /** Losses recorded within the window ending at {@code nowMillis}. */
  public long lossesInWindow(long nowMillis) {
    long current = Math.floorDiv(nowMillis, slotMillis);
    long sum = 0;
    for (int i = 0; i < SLOTS; i++) {
      long id = slotIds[i];
      if (id > current - SLOTS && id <= current) {
        sum += counts[i];
      }
    }
    return sum;
  }

  /** Losses since creation, for telemetry. */
  public long totalLosses() {
    return totalLosses;
  }

  /** True once a full window has elapsed, i.e. {@link #recommendedK} follows the measured churn. */
  public boolean warmedUp(long nowMillis) {
    return nowMillis - startMillis >= windowMillis;
  }

  /** Contacts lost per minute, averaged over the window (or over the time elapsed, if shorter). */
  public double churnPerMinute(long nowMillis) {
    long span = Math.max(slotMillis, Math.min(windowMillis, nowMillis - startMillis));
    return lossesInWindow(nowMillis) * 60_000.0 / span;
  }

  /** Fraction of a table of {@code tableSize} contacts lost per hour at the current rate. */
  public double lossFractionPerHour(long nowMillis, int tableSize) {
    return churnPerMinute(nowMillis) * 60.0 / Math.max(1, tableSize);
  }

  /** The bucket size for the current churn, always within [k-min, k-max] (k-initial before warm-up). */
  public int recommendedK(long nowMillis, int tableSize) {
    if (!warmedUp(nowMillis)) {
      return kInitial;
    }
    double pressure = Math.min(1.0, lossFractionPerHour(nowMillis, tableSize) / lossPerHourForKMax);
    long k = kMin + Math.round((kMax - kMin) * pressure);
    return (int) Math.max(kMin, Math.min(kMax, k));
  }
}
