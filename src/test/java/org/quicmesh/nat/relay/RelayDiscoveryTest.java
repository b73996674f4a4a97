package org.quicmesh.nat.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.identity.NodeId;
import org.quicmesh.identity.RelayService;
import org.quicmesh.wire.Contact;

class RelayDiscoveryTest {
  private static final NodeId SELF = id(0);
  private static final RelayService ACCEPTING = new RelayService(true, 100, RelayService.CURRENT);

  private final RelayDiscovery discovery =
      new RelayDiscovery(new RelayDiscoverySettings(true, Duration.ofSeconds(60), 2, Duration.ofMinutes(10)));

  private static NodeId id(int n) {
    byte[] bytes = new byte[NodeId.LENGTH];
    bytes[31] = (byte) n;
    return NodeId.of(bytes);
  }

  private static Contact contact(int n) {
    return new Contact(id(n), "203.0.113." + n + ":7000");
  }

  private static PeerInfo peer(int n, int tier) {
    return new PeerInfo(contact(n), tier, OptionalDouble.empty());
  }

  @Test
  void eachRoundChecksABoundedBatchTheFastestTiersFirstAndNeverTheSameContactTwiceWithinRecheckAfter() {
    List<PeerInfo> peers = List.of(peer(1, 2), peer(2, 0), peer(3, 1), peer(4, 0), peer(5, 3));
    assertEquals(List.of(contact(2), contact(4)), discovery.toCheck(peers, SELF, 0));
    assertEquals(List.of(contact(3), contact(1)), discovery.toCheck(peers, SELF, 60_000));
    assertEquals(List.of(contact(5)), discovery.toCheck(peers, SELF, 120_000));
    assertEquals(List.of(), discovery.toCheck(peers, SELF, 180_000), "all checked within 10 minutes");
    assertEquals(List.of(contact(2), contact(4)), discovery.toCheck(peers, SELF, 600_000), "due again");
  }

  @Test
  void ourselvesAndKnownRelaysAreNotChecked() {
    discovery.toCheck(List.of(peer(1, 0)), SELF, 0);
    assertTrue(discovery.checked(contact(1), Optional.of(ACCEPTING)));
    List<Contact> batch = discovery.toCheck(List.of(peer(0, 0), peer(1, 0), peer(2, 0)), SELF, 600_000);
    assertEquals(List.of(contact(2)), batch);
  }

  @Test
  void onlyAcceptingRelaysThatOfferRelayingAreKept() {
    assertFalse(discovery.checked(contact(1), Optional.empty()), "no relay service");
    assertFalse(discovery.checked(contact(2), Optional.of(new RelayService(false, 1000, RelayService.CURRENT))));
    assertFalse(discovery.checked(contact(3), Optional.of(new RelayService(true, 0, List.of("other/1")))));
    assertTrue(discovery.checked(contact(4), Optional.of(new RelayService(true, 0))), "no capabilities named");
    assertTrue(discovery.checked(contact(5), Optional.of(ACCEPTING)));
    assertFalse(discovery.checked(contact(5), Optional.of(ACCEPTING)), "already known");
    assertEquals(List.of(contact(4), contact(5)), discovery.relays());
    assertTrue(discovery.refuses(id(2)));
    assertFalse(discovery.refuses(id(5)));
    assertFalse(discovery.refuses(id(9)), "never checked: nothing known against it");
  }

  @Test
  void aRelayThatFailsIsForgottenAndOneThatStopsAcceptingIsDropped() {
    discovery.checked(contact(1), Optional.of(ACCEPTING));
    discovery.checked(contact(2), Optional.of(ACCEPTING));
    discovery.failed(id(1));
    assertFalse(discovery.checked(contact(2), Optional.of(new RelayService(false, 1000))));
    assertEquals(List.of(), discovery.relays());
  }

  @Test
  void knownRelaysAreBounded() {
    List<Boolean> added = new ArrayList<>();
    for (int n = 1; n <= RelayDiscoverySettings.MAX_KNOWN_RELAYS + 4; n++) {
      added.add(discovery.checked(contact(n), Optional.of(ACCEPTING)));
    }
    assertEquals(RelayDiscoverySettings.MAX_KNOWN_RELAYS, discovery.relays().size());
    assertFalse(added.get(added.size() - 1));
  }
}
