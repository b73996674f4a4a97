package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KMeans1DTest {

  private static double[] noisyGroups(long seed) {
    Random r = new Random(seed);
    double[] v = new double[300];
    double[] means = {1, 10, 30};
    for (int i = 0; i < v.length; i++) {
      v[i] = means[i % 3] + r.nextGaussian() * 0.5;
    }
    return v;
  }

  @Test
  void sameSeedGivesTheSameClustering() {
    double[] v = noisyGroups(1);
    KMeans1D.Result a = KMeans1D.cluster(v, 3, new Random(99));
    KMeans1D.Result b = KMeans1D.cluster(v, 3, new Random(99));
    assertArrayEquals(a.centers(), b.centers());
    assertArrayEquals(a.assignment(), b.assignment());
    assertEquals(a.sse(), b.sse());
  }

  @Test
  void findsSeparatedGroupsWithAscendingCenters() {
    double[] v = noisyGroups(2);
    KMeans1D.Result r = KMeans1D.cluster(v, 3, new Random(4));
    assertEquals(1, r.centers()[0], 0.2);
    assertEquals(10, r.centers()[1], 0.2);
    assertEquals(30, r.centers()[2], 0.2);
    for (int i = 0; i < v.length; i++) {
      assertEquals(i % 3, r.assignment()[i]);
    }
  }

  @Test
  void oneClusterIsTheMean() {
    KMeans1D.Result r = KMeans1D.cluster(new double[] {1, 2, 3, 6}, 1, new Random(0));
    assertEquals(3, r.centers()[0], 1e-12);
    assertEquals(4 + 1 + 0 + 9, r.sse(), 1e-12);
  }

  @Test
  void identicalValuesDoNotBreakSeeding() {
    KMeans1D.Result r = KMeans1D.cluster(new double[] {5, 5, 5}, 2, new Random(0));
    assertEquals(0, r.sse());
  }

  @Test
  void invalidArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> KMeans1D.cluster(new double[] {1}, 2, new Random(0)));
    assertThrows(IllegalArgumentException.class, () -> KMeans1D.cluster(new double[] {Double.NaN}, 1, new Random(0)));
  }
}
