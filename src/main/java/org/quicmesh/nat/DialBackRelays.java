package org.quicmesh.nat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/**
 * Which peer sends an other-IP dial-back for a requester: one whose IP the requester did not list as contacted, and
 * that is neither the requester nor this node. Among those, one of the farthest from the requester in XOR distance:
 * a node's lookups and routing table concentrate near its own id, so a far peer is the least likely to have exchanged
 * packets with it (the requester's own list is bounded; it also checks the sender on arrival).
 */
final class DialBackRelays {
  /** The candidates drawn from, so one busy peer does not serve every request. */
  static final int FARTHEST = 4;

  private DialBackRelays() {}

  static Optional<Contact> choose(List<PeerInfo> peers, NodeId requester, Set<InetAddress> excluded, Random random) {
    List<Contact> eligible = new ArrayList<>();
    for (PeerInfo peer : peers) {
      Contact c = peer.contact();
      if (c.id().equals(requester)) {
        continue;
      }
      var address = c.socketAddress();
      if (address.isUnresolved() || excluded.contains(address.getAddress())) {
        continue;
      }
      eligible.add(c);
    }
    if (eligible.isEmpty()) {
      return Optional.empty();
    }
    eligible.sort(Comparator.<Contact, NodeId>comparing(Contact::id, (a, b) -> requester.compareDistance(b, a)));
    return Optional.of(eligible.get(random.nextInt(Math.min(FARTHEST, eligible.size()))));
  }
}
