package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.wire.Contact;

class ChurnEstimatorTest {
  private static final long T0 = 5_000_000L;
  private static final long MINUTE = 60_000L;
  private static final Duration WINDOW = Duration.ofMinutes(30);

  private static ChurnEstimator estimator() {
    return new ChurnEstimator(WINDOW, 20, 10, 30, 0.5, T0);
  }

  @Test
  void recommendsKInitialUntilAFullWindowHasElapsed() {
    ChurnEstimator churn = estimator();
    for (int i = 0; i < 100; i++) {
      churn.recordLoss(T0 + i);
    }
    assertEquals(20, churn.recommendedK(T0 + WINDOW.toMillis() - 1, 100));
  }

  @Test
  void heavyChurnRaisesKToKMax() {
    ChurnEstimator churn = estimator();
    // 100-contact table losing one contact a minute = 60 % per hour, above the 50 % threshold.
    long now = T0;
    for (int m = 0; m <= 30; m++) {
      now = T0 + m * MINUTE;
      churn.recordLoss(now);
    }
    assertEquals(30, churn.recommendedK(now, 100));
    assertEquals(1.0, churn.churnPerMinute(now), 0.1);
  }

  @Test
  void moderateChurnGivesAnIntermediateK() {
    ChurnEstimator churn = estimator();
    // 200-contact table losing one every 2 minutes = 15 % per hour: k = 10 + round(20 * 0.3) = 16.
    long now = T0;
    for (int m = 0; m <= 30; m += 2) {
      now = T0 + m * MINUTE;
      churn.recordLoss(now);
    }
    assertEquals(16, churn.recommendedK(now, 200));
  }

  @Test
  void quietNetworkLowersKToKMin() {
    ChurnEstimator churn = estimator();
    for (int m = 0; m < 30; m++) {
      churn.recordLoss(T0 + m * MINUTE);
    }
    long quiet = T0 + 30 * MINUTE + WINDOW.toMillis() + MINUTE;
    assertEquals(0, churn.lossesInWindow(quiet), "old losses slide out of the window");
    assertEquals(10, churn.recommendedK(quiet, 100));
    assertEquals(0.0, churn.churnPerMinute(quiet));
  }

  @Test
  void recommendedKAlwaysStaysWithinKMinAndKMax() {
    Random random = new Random(23);
    ChurnEstimator churn = estimator();
    long now = T0;
    for (int step = 0; step < 20_000; step++) {
      now += random.nextInt(10_000);
      int burst = random.nextInt(100) < 5 ? random.nextInt(500) : random.nextInt(2);
      for (int i = 0; i < burst; i++) {
        churn.recordLoss(now);
      }
      int k = churn.recommendedK(now, random.nextInt(300));
      assertTrue(k >= 10 && k <= 30, "k = " + k);
    }
  }

  @Test
  void routingTableAdaptsKFromObservedChurn() {
    RoutingSettings settings = RoutingSettings.defaults();
    Random random = new Random(29);
    RoutingTable table = new RoutingTable(DhtTestIds.randomId(random), settings, T0);
    long now = T0;
    for (int i = 0; i < 400; i++) {
      table.observe(DhtTestIds.contact(DhtTestIds.randomId(random), i), now);
    }
    int size = table.size();
    // Lose a third of the table within the window (every contact dropped through the real probe path).
    for (Contact c : List.copyOf(table.contacts().subList(0, size / 3))) {
      now += MINUTE / 2;
      table.probeFailed(c.id(), now);
    }
    now = T0 + WINDOW.toMillis();
    assertEquals(30, table.adaptK(now));
    assertEquals(30, table.currentK());
    assertTrue(table.churnPerMinute(now) > 1.0);
  }
}
