package org.quicmesh.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

class DialBackRelaysTest {
  private static final NodeId REQUESTER = id(0x00);

  private static NodeId id(int first) {
    byte[] bytes = new byte[32];
    bytes[0] = (byte) first;
    return NodeId.of(bytes);
  }

  private static PeerInfo peer(int first, String ip) {
    return new PeerInfo(Contact.of(id(first), NatClassifierTest.address(ip, 4000)), 0, OptionalDouble.empty());
  }

  @Test
  void neverPicksTheRequesterOrAnAvoidedIp() throws Exception {
    List<PeerInfo> peers = List.of(peer(0x00, "203.0.113.1"), peer(0x80, "203.0.113.2"), peer(0x40, "203.0.113.3"));
    for (int seed = 0; seed < 20; seed++) {
      Contact chosen = DialBackRelays.choose(peers, REQUESTER, Set.of(InetAddress.getByName("203.0.113.2")),
          new Random(seed)).orElseThrow();
      assertEquals(id(0x40), chosen.id());
    }
  }

  @Test
  void picksAmongThePeersFarthestFromTheRequester() {
    List<PeerInfo> peers = new ArrayList<>();
    for (int i = 1; i <= 16; i++) {
      peers.add(peer(i, "203.0.113." + i)); // ids 0x01..0x10: the four farthest from 0x00 are 0x0d..0x10
    }
    for (int seed = 0; seed < 50; seed++) {
      int first = DialBackRelays.choose(peers, REQUESTER, Set.of(), new Random(seed)).orElseThrow().id().byteAt(0);
      assertTrue(first >= 0x0d, "chose " + first);
    }
  }

  @Test
  void nobodyLeftMeansNoRelay() throws Exception {
    assertTrue(DialBackRelays.choose(List.of(peer(0x80, "203.0.113.2")), REQUESTER,
        Set.of(InetAddress.getByName("203.0.113.2")), new Random(1)).isEmpty());
  }
}
