package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicmesh.pubsub.Peers.id;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;

class LatencyRankingTest {
  private static List<NodeId> peers(int n) {
    List<NodeId> peers = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      peers.add(id(i));
    }
    return peers;
  }

  @Test
  void chooseTakesTheFastShareFastestAndTheRestAtRandom() {
    LatencyRanking ranking = new LatencyRanking(6, 4);
    for (int i = 1; i <= 20; i++) {
      ranking.update(id(i), 200 - i); // peer 20 is the fastest
    }
    List<NodeId> chosen = ranking.choose(peers(20), 6, new Random(1));
    assertEquals(List.of(id(20), id(19), id(18), id(17)), chosen.subList(0, 4));
    assertEquals(6, chosen.stream().distinct().count());
    assertEquals(List.of(id(20)), ranking.choose(peers(20), 1, new Random(1)), "round(1 x 4/6) = 1 fast pick");
  }

  @Test
  void unmeasuredPeersAreNeverRankedFast() {
    LatencyRanking ranking = new LatencyRanking(6, 6);
    ranking.update(id(3), 50);
    assertEquals(List.of(id(3)), ranking.fastestFirst(peers(10)));
    List<NodeId> chosen = ranking.choose(peers(10), 3, new Random(2));
    assertEquals(id(3), chosen.get(0));
    assertEquals(3, chosen.size(), "the others are filled at random");
  }

  @Test
  void medianOfTheMeasuredOnesAndMinusOneWithoutAny() {
    LatencyRanking ranking = new LatencyRanking(6, 4);
    assertEquals(-1, ranking.median(peers(5)));
    ranking.update(id(1), 10);
    ranking.update(id(2), 30);
    ranking.update(id(3), 20);
    assertEquals(20, ranking.median(peers(5)));
    ranking.forget(id(3));
    assertEquals(30, ranking.median(peers(5)), "upper median of two");
    assertEquals(-1, ranking.rttOf(id(3)));
    assertTrue(ranking.choose(List.of(), 3, new Random(3)).isEmpty());
  }
}
