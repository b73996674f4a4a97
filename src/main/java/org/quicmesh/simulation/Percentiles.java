package org.quicmesh.simulation;

import java.util.Arrays;

/** Percentiles of a sample of doubles (nearest-rank). */
public final class Percentiles {
  private double[] values = new double[1024];
  private int size;

  public void add(double value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  public int count() {
    return size;
  }

  /** The p-th percentile (0 < p <= 100), or NaN for an empty sample. */
  public double percentile(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    double[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * size);
    return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
  }

  /** The arithmetic mean, or NaN for an empty sample. */
  public double mean() {
    if (size == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += values[i];
    }
    return sum / size;
  }

  /** The smallest value, or NaN for an empty sample. */
  public double min() {
    return size == 0 ? Double.NaN : Arrays.stream(values, 0, size).min().getAsDouble();
  }

  public double max() {
    return percentile(100);
  }
}
