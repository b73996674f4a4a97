package org.quicmesh.dht;

/**
 * Lookup parallelism α, adapted to how often lookups run into dead or failing peers.
 *
 * <p>Over a sliding window of the last {@code window} lookups it computes the failure signal
 * {@code p = max(failed RPCs / RPCs sent, failed lookups / lookups)} and sets
 * {@code α = clamp(ceil(alphaInitial / (1 - p)), alphaMin, alphaMax)} (α = alphaMax when p = 1). The reasoning: with
 * a share p of requests wasted on dead or silent peers, α requests in flight yield about α(1-p) useful answers, so
 * this keeps the useful parallelism near alphaInitial, the α of a clean network (with the defaults: 3 when clean, 4
 * from p = 0.25, 5 from p = 0.4). Clean lookups push failures out of the window, so α decays back to alphaInitial;
 * alphaMin only bounds it when alphaInitial is configured at the floor. Failed RPCs include requests still silent
 * when their lookup finished ({@link LookupStats#silent()}).
 *
 * <p>Pure logic, not thread-safe: one actor owns it.
 */
final class AdaptiveAlpha {
  private final int min;
  private final int max;
  private final int initial;
  private final int[] messages;
  private final int[] failedRpcs;
  private final boolean[] failedLookup;
  private int size;
  private int head;
  private long messageSum;
  private long failedRpcSum;
  private int failedLookupCount;

  /**
   * @param min lower bound of α (≥ 1)
   * @param max upper bound of α (≥ min)
   * @param initial α before any lookup is recorded (in [min, max])
   * @param window how many recent lookups the signal covers (≥ 1)
   */
  public AdaptiveAlpha(int min, int max, int initial, int window) {
    if (min < 1 || max < min || initial < min || initial > max || window < 1) {
      throw new IllegalArgumentException("need 1 <= min <= initial <= max and window >= 1, got min=" + min
          + " initial=" + initial + " max=" + max + " window=" + window);
    }
    this.min = min;
    this.max = max;
    this.initial = initial;
    this.messages = new int[window];
    this.failedRpcs = new int[window];
    this.failedLookup = new boolean[window];
  }

  public static AdaptiveAlpha fromSettings(LookupSettings s) {
    return new AdaptiveAlpha(s.alphaMin(), s.alphaMax(), s.alphaInitial(), s.alphaWindow());
  }

  /** The α to give the next lookup. */
  public int current() {
    if (size == 0) {
      return initial;
    }
    double p = failureSignal();
    if (p >= 1.0) {
      return max;
    }
    // The epsilon keeps exact quotients (e.g. 2 / 0.5) from rounding up through floating-point noise.
    int alpha = (int) Math.ceil(initial / (1.0 - p) - 1e-9);
    return Math.max(min, Math.min(max, alpha));
  }

  /** The failure signal p in [0, 1] over the window (0 when empty); exported for telemetry. */
  public double failureSignal() {
    if (size == 0) {
      return 0.0;
    }
    double rpc = messageSum == 0 ? 0.0 : (double) failedRpcSum / messageSum;
    double lookups = (double) failedLookupCount / size;
    return Math.max(rpc, lookups);
  }

  /** Lookups currently in the window. */
  public int samples() {
    return size;
  }

  /** Records a finished lookup. */
  public void record(LookupResult result) {
    LookupStats s = result.stats();
    record(s.messagesSent(), s.failedRpcs(), result.succeeded());
  }

  /**
   * Records a finished lookup by its numbers.
   *
   * @param messagesSent requests the lookup sent (≥ 0)
   * @param failedRpcs of those, how many timed out or failed (0..messagesSent)
   * @param succeeded whether the lookup reached the network (see {@link LookupResult#succeeded()})
   */
  public void record(int messagesSent, int failedRpcs, boolean succeeded) {
    if (messagesSent < 0 || failedRpcs < 0 || failedRpcs > messagesSent) {
      throw new IllegalArgumentException("need 0 <= failedRpcs <= messagesSent, got " + failedRpcs + " of "
          + messagesSent);
    }
    int slot = head;
    if (size == messages.length) {
      messageSum -= messages[slot];
      failedRpcSum -= this.failedRpcs[slot];
      if (failedLookup[slot]) {
        failedLookupCount--;
      }
    } else {
      size++;
    }
    messages[slot] = messagesSent;
    this.failedRpcs[slot] = failedRpcs;
    failedLookup[slot] = !succeeded;
    messageSum += messagesSent;
    failedRpcSum += failedRpcs;
    if (!succeeded) {
      failedLookupCount++;
    }
    head = (head + 1) % messages.length;
  }
}
