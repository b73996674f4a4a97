package org.quicmesh.dht;

/**
 * A token bucket with continuous refill: holds at most {@code capacity} tokens, gains {@code refillPerMilli} tokens per
 * millisecond, and each accepted operation takes one. Starts full, so a new peer may burst up to the capacity.
 *
 * <p>Time is passed in; a clock that goes backwards refills nothing (it never yields extra tokens).
 */
public final class TokenBucket {
  private final double capacity;
  private final double refillPerMilli;
  private double tokens;
  private long last;

  /**
   * @param capacity most tokens held (the burst size), at least 1
   * @param refillPerMilli tokens gained per millisecond, positive
   * @param nowMillis creation time
   */
  public TokenBucket(double capacity, double refillPerMilli, long nowMillis) {
    if (!(capacity >= 1) || !(refillPerMilli > 0) || Double.isInfinite(capacity)) {
      throw new IllegalArgumentException("capacity >= 1 and refillPerMilli > 0 required");
    }
    this.capacity = capacity;
    this.refillPerMilli = refillPerMilli;
    this.tokens = capacity;
    this.last = nowMillis;
  }

  /** A bucket allowing {@code perMinute} operations per minute, with a burst of the same size. */
  public static TokenBucket perMinute(int perMinute, long nowMillis) {
    return new TokenBucket(perMinute, perMinute / 60_000.0, nowMillis);
  }

  /** Takes one token if available: true if the operation may proceed. */
  public boolean tryTake(long nowMillis) {
    return tryTake(1, nowMillis);
  }

  /** Takes {@code amount} tokens (e.g. bytes) if that many are available: true if the operation may proceed. */
  public boolean tryTake(double amount, long nowMillis) {
    refill(nowMillis);
    // The epsilon absorbs floating-point drift of the refill (3000 ms x 1/3000 per ms must make one whole token).
    if (tokens >= amount - 1e-9) {
      tokens = Math.max(0, tokens - amount);
      return true;
    }
    return false;
  }

  /** Tokens available at {@code nowMillis} (fractional). */
  public double available(long nowMillis) {
    refill(nowMillis);
    return tokens;
  }

  /** True when the bucket has refilled completely, i.e. forgetting it would change nothing. */
  public boolean isFull(long nowMillis) {
    return available(nowMillis) >= capacity;
  }

  private void refill(long nowMillis) {
    if (nowMillis > last) {
      tokens = Math.min(capacity, tokens + (nowMillis - last) * refillPerMilli);
      last = nowMillis;
    }
  }
}
