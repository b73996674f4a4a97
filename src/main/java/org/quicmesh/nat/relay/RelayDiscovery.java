package org.quicmesh.nat.relay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.identity.NodeId;
import org.quicmesh.identity.RelayService;
import org.quicmesh.wire.Contact;

/**
 * Relays found in the mesh, and what their records said. Each round names a bounded batch of routing-table contacts
 * to check (the fastest tiers first; none checked within {@code recheckAfter}, so the work per round and per contact
 * is bounded); a checked contact whose endpoint record advertises an accepting relay service that offers
 * {@value RelayService#RELAY} (or names no capabilities) becomes a relay to reserve with. A relay that refuses or
 * fails a reservation is forgotten until it is checked again. Pure; time is passed in.
 */
final class RelayDiscovery {
  private final RelayDiscoverySettings settings;
  private final Map<NodeId, Long> checkedAt = new HashMap<>();
  /** Relays found, in the order found; at most {@link RelayDiscoverySettings#MAX_KNOWN_RELAYS}. */
  private final Map<NodeId, Contact> relays = new LinkedHashMap<>();
  /** The relay service each checked node advertised last (none: not a relay). */
  private final Map<NodeId, RelayService> services = new HashMap<>();

  RelayDiscovery(RelayDiscoverySettings settings) {
    this.settings = settings;
  }

  /** The contacts to check now (marked checked): up to {@code contactsPerRound}, the fastest tiers first. */
  List<Contact> toCheck(List<PeerInfo> peers, NodeId self, long nowMillis) {
    long recheck = settings.recheckAfter().toMillis();
    checkedAt.values().removeIf(at -> nowMillis - at >= recheck);
    services.keySet().removeIf(id -> !checkedAt.containsKey(id) && !relays.containsKey(id));
    List<Contact> out = new ArrayList<>();
    for (PeerInfo peer : peers.stream().sorted(Comparator.comparingInt(PeerInfo::tier)).toList()) {
      NodeId id = peer.contact().id();
      if (out.size() < settings.contactsPerRound() && !id.equals(self) && !checkedAt.containsKey(id)
          && !relays.containsKey(id)) {
        checkedAt.put(id, nowMillis);
        out.add(peer.contact());
      }
    }
    return out;
  }

  /**
   * What {@code contact}'s endpoint record advertised (empty: no relay service, or no record found). True if it is a
   * relay we did not know and may reserve with.
   */
  boolean checked(Contact contact, Optional<RelayService> service) {
    NodeId id = contact.id();
    service.ifPresentOrElse(s -> services.put(id, s), () -> services.remove(id));
    boolean usable = service.filter(RelayDiscovery::usable).isPresent();
    if (!usable) {
      relays.remove(id);
      return false;
    }
    if (relays.containsKey(id) || relays.size() >= RelayDiscoverySettings.MAX_KNOWN_RELAYS) {
      return false;
    }
    relays.put(id, contact);
    return true;
  }

  /** A relay that refused or did not answer a reservation: not asked again until it is checked again. */
  void failed(NodeId relay) {
    relays.remove(relay);
  }

  /** The relays found that accept reservations, in the order found. */
  List<Contact> relays() {
    return List.copyOf(relays.values());
  }

  /** True if {@code relay}'s record, as last checked, says it takes no new reservations. */
  boolean refuses(NodeId relay) {
    RelayService service = services.get(relay);
    return service != null && !service.accepting();
  }

  private static boolean usable(RelayService service) {
    return service.accepting() && (service.capabilities().isEmpty() || service.offers(RelayService.RELAY));
  }
}
