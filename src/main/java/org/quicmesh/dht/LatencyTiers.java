package org.quicmesh.dht;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import org.quicmesh.identity.NodeId;

/**
 * RTT samples per contact and the latency tiers derived from them by k-means, so that lookups can prefer fast
 * contacts among equally close ones. Plain single-threaded logic; time and randomness are passed in.
 *
 * <h2>Samples</h2>
 * The last {@link #WINDOW} samples of each contact with their times; a contact's RTT is the median of its window
 * (robust to a single delayed reply). Samples older than {@code rtt-sample-max-age} are dropped by {@link #prune}; at
 * most {@code rtt-max-contacts} contacts are kept, the least recently sampled one is dropped first.
 *
 * <h2>Tiers</h2>
 * {@link #recompute} clusters the contacts' median RTTs, one point per contact, on a log scale: RTTs are
 * multiplicative (jitter and queueing grow with the path), so 5 vs 25 ms is as distinct as 50 vs 250 ms, while on a
 * linear scale the spread of the slow contacts would swamp the fast ones. For each t in 1..min(max-tiers, distinct
 * contacts) it runs {@link KMeans1D} and scores the fit with a BIC for a 1-D Gaussian model with shared variance,
 * {@code n ln(SSE/n + σ0²) + 2t ln n}, where σ0 = {@value #NOISE_FLOOR_LOG} (10 % relative RTT noise) floors the
 * variance so that tight clusters do not reward ever more tiers. Fits whose adjacent centres are less than a factor
 * {@value #MIN_CENTER_RATIO} apart are not considered (such tiers would only split measurement noise). The lowest
 * score wins; ties go to fewer tiers.
 */
final class LatencyTiers {
  /** Samples kept per contact. */
  public static final int WINDOW = 8;
  /** Measurement noise floor, as a standard deviation of ln(RTT). */
  public static final double NOISE_FLOOR_LOG = 0.1;
  /** Adjacent tier centres must differ by at least this factor. */
  public static final double MIN_CENTER_RATIO = 1.5;
  /** RTTs below this are clamped before taking logarithms (loopback reports microseconds). */
  static final double MIN_RTT_MILLIS = 0.01;

  private final TierSettings settings;
  private final long maxAgeMillis;
  private final LinkedHashMap<NodeId, Window> contacts = new LinkedHashMap<>();
  private TierModel model = TierModel.SINGLE;

  public LatencyTiers(TierSettings settings) {
    this.settings = settings;
    this.maxAgeMillis = settings.sampleMaxAge().toMillis();
  }

  /**
   * Records one RTT sample of {@code contact}. A negative, NaN or infinite RTT is ignored (returns false).
   */
  public boolean record(NodeId contact, double rttMillis, long nowMillis) {
    if (contact == null || !(rttMillis >= 0) || Double.isInfinite(rttMillis)) {
      return false;
    }
    Window w = contacts.remove(contact); // re-inserted last: insertion order is sampling recency
    if (w == null) {
      w = new Window();
      if (contacts.size() >= settings.maxContacts()) {
        Iterator<NodeId> eldest = contacts.keySet().iterator();
        eldest.next();
        eldest.remove();
      }
    }
    w.add(rttMillis, nowMillis);
    contacts.put(contact, w);
    return true;
  }

  /** Forgets a contact's samples (e.g. when it leaves the routing table). */
  public void forget(NodeId contact) {
    contacts.remove(contact);
  }

  /**
   * Drops samples older than {@code rtt-sample-max-age} and contacts left without samples.
   *
   * @return the number of samples dropped
   */
  public int prune(long nowMillis) {
    long oldest = nowMillis - maxAgeMillis;
    int dropped = 0;
    for (Iterator<Window> it = contacts.values().iterator(); it.hasNext(); ) {
      Window w = it.next();
      dropped += w.dropOlderThan(oldest);
      if (w.size == 0) {
        it.remove();
      }
    }
    return dropped;
  }

  /** Re-clusters the contacts' median RTTs (see the class comment) and returns the new model. */
  public TierModel recompute(Random random) {
    double[] logs = new double[contacts.size()];
    int i = 0;
    for (Window w : contacts.values()) {
      logs[i++] = Math.log(Math.max(MIN_RTT_MILLIS, w.median()));
    }
    model = fit(logs, settings.maxTiers(), random);
    return model;
  }

  /** The model of the last {@link #recompute}. */
  public TierModel model() {
    return model;
  }

  /** Tier of {@code contact} (0 = fastest) by its current median RTT; contacts without samples get the middle tier. */
  public int tierOf(NodeId contact) {
    Window w = contacts.get(contact);
    return w == null ? model.defaultTier() : model.tierOf(w.median());
  }

  /** Median of the contact's recent samples, or empty if it has none. */
  public OptionalDouble rttOf(NodeId contact) {
    Window w = contacts.get(contact);
    return w == null ? OptionalDouble.empty() : OptionalDouble.of(w.median());
  }

  /** Contacts with at least one sample. */
  public int contactCount() {
    return contacts.size();
  }

  /** Picks the number of tiers by penalised fit over ln(RTT) points and converts the winner to milliseconds. */
  static TierModel fit(double[] logs, int maxTiers, Random random) {
    int n = logs.length;
    if (n == 0) {
      return TierModel.SINGLE;
    }
    int distinct = (int) Arrays.stream(logs).distinct().count();
    int maxT = Math.min(maxTiers, distinct);
    double floor = NOISE_FLOOR_LOG * NOISE_FLOOR_LOG;
    double minGap = Math.log(MIN_CENTER_RATIO);
    KMeans1D.Result best = null;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int t = 1; t <= maxT; t++) {
      KMeans1D.Result r = KMeans1D.cluster(logs, t, random);
      if (!separated(r.centers(), minGap)) {
        continue;
      }
      double score = n * Math.log(r.sse() / n + floor) + 2.0 * t * Math.log(n);
      if (score < bestScore) {
        bestScore = score;
        best = r;
      }
    }
    return toModel(best.centers());
  }

  private static boolean separated(double[] ascending, double minGap) {
    for (int i = 1; i < ascending.length; i++) {
      if (ascending[i] - ascending[i - 1] < minGap) {
        return false;
      }
    }
    return true;
  }

  private static TierModel toModel(double[] logCenters) {
    List<Double> centers = new ArrayList<>();
    List<Double> boundaries = new ArrayList<>();
    for (int i = 0; i < logCenters.length; i++) {
      centers.add(Math.exp(logCenters[i]));
      if (i > 0) {
        boundaries.add(Math.exp((logCenters[i - 1] + logCenters[i]) / 2));
      }
    }
    return new TierModel(centers, boundaries);
  }

  /** A ring of the last {@link #WINDOW} samples of one contact. */
  private static final class Window {
    final double[] rtt = new double[WINDOW];
    final long[] at = new long[WINDOW];
    int size;
    int next;

    void add(double rttMillis, long nowMillis) {
      rtt[next] = rttMillis;
      at[next] = nowMillis;
      next = (next + 1) % WINDOW;
      size = Math.min(WINDOW, size + 1);
    }

    /** Keeps samples taken after {@code oldestAllowed} (exclusive bound: a sample exactly max-age old is dropped). */
    int dropOlderThan(long oldestAllowed) {
      double[] keptRtt = new double[WINDOW];
      long[] keptAt = new long[WINDOW];
      int kept = 0;
      for (int i = 0; i < size; i++) {
        int idx = (next - size + i + WINDOW) % WINDOW; // oldest first
        if (at[idx] > oldestAllowed) {
          keptRtt[kept] = rtt[idx];
          keptAt[kept] = at[idx];
          kept++;
        }
      }
      int dropped = size - kept;
      System.arraycopy(keptRtt, 0, rtt, 0, WINDOW);
      System.arraycopy(keptAt, 0, at, 0, WINDOW);
      size = kept;
      next = kept % WINDOW;
      return dropped;
    }

    double median() {
      double[] s = new double[size];
      for (int i = 0; i < size; i++) {
        s[i] = rtt[(next - size + i + WINDOW) % WINDOW];
      }
      Arrays.sort(s);
      return size % 2 == 1 ? s[size / 2] : (s[size / 2 - 1] + s[size / 2]) / 2;
    }
  }
}
