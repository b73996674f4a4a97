package org.quicmesh.dht;

import java.util.Arrays;
import java.util.Random;

/**
 * Lloyd's k-means on one-dimensional data with k-means++ seeding. Deterministic for a given {@link Random} state:
 * all randomness (seeding of each restart) comes from the argument.
 */
final class KMeans1D {
  /** Lloyd iterations per restart; 1-D k-means with k ≤ 7 converges in a handful. */
  static final int MAX_ITERATIONS = 100;
  /** Restarts per call; the lowest-SSE result wins (k-means++ seeding can still land in a poor local optimum). */
  public static final int DEFAULT_RESTARTS = 5;

  private KMeans1D() {}

  /**
   * A clustering.
   *
   * @param centers cluster means in ascending order (cluster i has center {@code centers[i]}); a cluster left empty
   *     keeps its seed, so centers can repeat when there are fewer distinct values than clusters
   * @param assignment the cluster of each input value, by input index
   * @param sse within-cluster sum of squared distances
   */
  public record Result(double[] centers, int[] assignment, double sse) {
    public int k() {
      return centers.length;
    }
  }

  /** {@link #cluster(double[], int, Random, int)} with {@link #DEFAULT_RESTARTS} restarts. */
  public static Result cluster(double[] values, int k, Random random) {
    return cluster(values, k, random, DEFAULT_RESTARTS);
  }

  /**
   * Clusters {@code values} into {@code k} groups.
   *
   * @param values finite numbers, at least {@code k} of them
   * @param k number of clusters, 1..values.length
   * @param restarts independent k-means++ seedings tried, at least 1
   */
  public static Result cluster(double[] values, int k, Random random, int restarts) {
    if (values.length == 0 || k < 1 || k > values.length || restarts < 1) {
      throw new IllegalArgumentException("need 1 <= k <= values (" + values.length + "), got k=" + k);
    }
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("values must be finite");
      }
    }
    Result best = null;
    for (int r = 0; r < restarts; r++) {
      Result candidate = lloyd(values, seed(values, k, random));
      if (best == null || candidate.sse() < best.sse()) {
        best = candidate;
      }
    }
    return best;
  }

  /** k-means++: first center uniform, each next one drawn with probability proportional to D(x)^2. */
  static double[] seed(double[] values, int k, Random random) {
    double[] centers = new double[k];
    centers[0] = values[random.nextInt(values.length)];
    double[] d2 = new double[values.length];
    for (int c = 1; c < k; c++) {
      double total = 0;
      for (int i = 0; i < values.length; i++) {
        double d = Double.MAX_VALUE;
        for (int j = 0; j < c; j++) {
          d = Math.min(d, Math.abs(values[i] - centers[j]));
        }
        d2[i] = d * d;
        total += d2[i];
      }
      if (total == 0) {
        centers[c] = values[random.nextInt(values.length)];
        continue;
      }
      double pick = random.nextDouble() * total;
      int chosen = values.length - 1;
      for (int i = 0; i < values.length; i++) {
        pick -= d2[i];
        if (pick < 0) {
          chosen = i;
          break;
        }
      }
      centers[c] = values[chosen];
    }
    return centers;
  }

  private static Result lloyd(double[] values, double[] centers) {
    int k = centers.length;
    int[] assignment = new int[values.length];
    Arrays.fill(assignment, -1);
    for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
      boolean changed = false;
      for (int i = 0; i < values.length; i++) {
        int nearest = nearest(centers, values[i]);
        if (nearest != assignment[i]) {
          assignment[i] = nearest;
          changed = true;
        }
      }
      if (!changed) {
        break;
      }
      double[] sum = new double[k];
      int[] count = new int[k];
      for (int i = 0; i < values.length; i++) {
        sum[assignment[i]] += values[i];
        count[assignment[i]]++;
      }
      for (int c = 0; c < k; c++) {
        if (count[c] > 0) {
          centers[c] = sum[c] / count[c];
        }
      }
    }
    return sorted(values, centers, assignment);
  }

  private static int nearest(double[] centers, double v) {
    int best = 0;
    for (int c = 1; c < centers.length; c++) {
      if (Math.abs(v - centers[c]) < Math.abs(v - centers[best])) {
        best = c;
      }
    }
    return best;
  }

  /** Renumbers clusters so that centers ascend, and computes the SSE. */
  private static Result sorted(double[] values, double[] centers, int[] assignment) {
    Integer[] order = new Integer[centers.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(centers[a], centers[b]));
    int[] rank = new int[centers.length];
    double[] ascending = new double[centers.length];
    for (int r = 0; r < order.length; r++) {
      rank[order[r]] = r;
      ascending[r] = centers[order[r]];
    }
    int[] renumbered = new int[values.length];
    double sse = 0;
    for (int i = 0; i < values.length; i++) {
      renumbered[i] = rank[assignment[i]];
      double d = values[i] - ascending[renumbered[i]];
      sse += d * d;
    }
    return new Result(ascending, renumbered, sse);
  }
}
