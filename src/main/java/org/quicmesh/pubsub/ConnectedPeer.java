package org.quicmesh.pubsub;

import java.util.HashSet;
import java.util.Set;
import org.quicmesh.wire.Contact;

/**
 * One peer the router streams with: how to reach it, our stream to it, the topics it announced, the topics in which
 * we choked it (its IHaves there are announcements of what it would have pushed, not gossip), its round-trip time.
 */
final class ConnectedPeer {
  final Contact contact;
  final PeerLink link;
  final Set<String> topics = new HashSet<>();
  final Set<String> chokedIn = new HashSet<>();
  double rttMillis = -1;
  long lastProbeMillis;
  /** Whether the peer has had a stream open to us while this entry existed (see {@link PeerTable#inboundOpened}). */
  boolean heardInbound;

  ConnectedPeer(Contact contact, PeerLink link) {
    this.contact = contact;
    this.link = link;
  }
}
