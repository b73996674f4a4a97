package org.quicmesh.nat.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.relay.RelayChoice.Offer;
import org.quicmesh.wire.Contact;

/** Which relays a node keeps: lowest RTT + load x 100 + tier x 20 first. */
class RelayChoiceTest {

  private static Contact relay(int n) {
    byte[] id = new byte[NodeId.LENGTH];
    id[31] = (byte) n;
    return new Contact(NodeId.of(id), "203.0.113." + n + ":7000");
  }

  private static Offer offer(int n, long rtt, int loadPermille, int tier) {
    return new Offer(relay(n), rtt, loadPermille, tier);
  }

  private static List<Integer> chosen(List<Offer> offers, int keep) {
    return RelayChoice.best(offers, keep).stream().map(o -> o.relay().id().toBytes()[31] & 0xFF).toList();
  }

  @Test
  void theScoreIsRttPlusLoadTimesHundredPlusTierTimesTwenty() {
    assertEquals(30.0, offer(1, 30, 0, 0).score(), 1e-9);
    assertEquals(30.0 + 50.0, offer(1, 30, 500, 0).score(), 1e-9);
    assertEquals(30.0 + 100.0 + 40.0, offer(1, 30, 1000, 2).score(), 1e-9);
    assertEquals(0.1, offer(1, 0, 1, 0).score(), 1e-9);
  }

  @Test
  void theLowestScoresAreKept() {
    List<Offer> offers = List.of(offer(1, 90, 0, 0), offer(2, 10, 0, 0), offer(3, 50, 0, 0), offer(4, 30, 0, 0));

    assertEquals(List.of(2, 4), chosen(offers, 2));
  }

  @Test
  void aQuietRelayALittleFartherBeatsABusyNearOne() {
    List<Offer> offers = List.of(offer(1, 20, 900, 0), offer(2, 60, 100, 0));

    assertEquals(List.of(2), chosen(offers, 1));
  }

  @Test
  void aRelayInASlowTierMustBeMuchQuieterToWin() {
    Offer nearTierBusy = offer(1, 40, 300, 0); // 70
    Offer slowTierQuiet = offer(2, 40, 0, 2); // 80

    assertEquals(List.of(1), chosen(List.of(slowTierQuiet, nearTierBusy), 1));
  }

  /** The tier (the Dht's latency tier of the relay's node) decides between relays equal in RTT and load. */
  @Test
  void betweenEqualRelaysTheFasterTierWins() {
    List<Offer> offers = List.of(offer(1, 40, 100, 3), offer(2, 40, 100, 1), offer(3, 40, 100, 2));

    assertEquals(List.of(2, 3), chosen(offers, 2));
    // a tier weighs as much as 20 ms of RTT
    assertEquals(List.of(4), chosen(List.of(offer(4, 59, 0, 0), offer(5, 40, 0, 1)), 1));
    assertEquals(List.of(5), chosen(List.of(offer(4, 61, 0, 0), offer(5, 40, 0, 1)), 1));
  }

  @Test
  void equalScoresAreBrokenByNodeIdWhateverTheInputOrder() {
    List<Offer> offers = new ArrayList<>(List.of(offer(9, 50, 0, 0), offer(3, 30, 200, 0), offer(5, 10, 0, 2),
        offer(7, 70, 0, 0)));
    List<Integer> expected = List.of(3, 5, 9);

    Random random = new Random(11);
    for (int i = 0; i < 10; i++) {
      Collections.shuffle(offers, random);
      assertEquals(expected, chosen(offers, 3), "order " + offers);
    }
  }

  @Test
  void keepingMoreThanOfferedKeepsThemAll() {
    assertEquals(List.of(2, 1), chosen(List.of(offer(1, 90, 0, 0), offer(2, 10, 0, 0)), 5));
  }

  @Test
  void noOffersNoRelays() {
    assertTrue(RelayChoice.best(List.of(), 3).isEmpty());
  }

  @Test
  void keepingNoneKeepsNone() {
    assertTrue(RelayChoice.best(List.of(offer(1, 10, 0, 0)), 0).isEmpty());
  }
}
