package org.quicmesh.pubsub;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/**
 * The router's peers: those we stream to (each with its {@link PeerLink}), those being located so we can stream back,
 * and how many streams each peer has open to us. Plain state, owned by the router.
 */
final class PeerTable {
  private final Map<NodeId, ConnectedPeer> peers = new LinkedHashMap<>();
  private final Set<NodeId> connecting = new HashSet<>();
  private final Map<NodeId, Integer> openInbound = new HashMap<>();

  ConnectedPeer get(NodeId id) {
    return peers.get(id);
  }

  boolean contains(NodeId id) {
    return peers.containsKey(id);
  }

  int size() {
    return peers.size();
  }

  Collection<ConnectedPeer> all() {
    return peers.values();
  }

  /** Records our new stream to {@code contact}; it is no longer being located. */
  ConnectedPeer add(Contact contact, PeerLink link) {
    ConnectedPeer peer = new ConnectedPeer(contact, link);
    peer.heardInbound = openInbound.containsKey(contact.id());
    peers.put(contact.id(), peer);
    connecting.remove(contact.id());
    return peer;
  }

  /** Forgets the peer if {@code link} is still its stream (a late report about an older stream changes nothing). */
  ConnectedPeer removeIfLink(NodeId id, PeerLink link) {
    ConnectedPeer peer = peers.get(id);
    if (peer == null || peer.link != link) {
      return null;
    }
    return peers.remove(id);
  }

  /** True if the peer is neither connected nor already being located: the caller locates it. */
  boolean startLocating(NodeId id) {
    return !peers.containsKey(id) && connecting.add(id);
  }

  void locatingDone(NodeId id) {
    connecting.remove(id);
  }

  /**
   * Counts a stream the peer opened to us. True when the peer is connected and had a stream to us before: it opened a
   * new one (its router restarted, or it lost and re-made its stream), so it may have forgotten what we announced to
   * it, and the caller announces our subscriptions again.
   */
  boolean inboundOpened(NodeId id) {
    openInbound.merge(id, 1, Integer::sum);
    ConnectedPeer peer = peers.get(id);
    if (peer == null) {
      return false;
    }
    boolean reopened = peer.heardInbound;
    peer.heardInbound = true;
    return reopened;
  }

  /** A stream from the peer ended (one the router's earlier incarnation counted is ignored). */
  void inboundClosed(NodeId id) {
    openInbound.computeIfPresent(id, (peer, open) -> open > 1 ? open - 1 : null);
  }

  /** Closes every stream of ours: the router stops or restarts, and must not leave them open. */
  void closeAll() {
    peers.values().forEach(peer -> peer.link.close());
    peers.clear();
    connecting.clear();
  }
}
