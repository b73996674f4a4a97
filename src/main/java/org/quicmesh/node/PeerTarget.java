package org.quicmesh.node;

import java.net.InetSocketAddress;
import org.quicmesh.identity.NodeId;

/** Whom a command addresses: a peer known by address only (e.g. a seed), or by its NodeId. */
public sealed interface PeerTarget {
  record ByAddress(InetSocketAddress address) implements PeerTarget {}

  record ByNode(NodeId node) implements PeerTarget {}

  static PeerTarget of(InetSocketAddress address) {
    return new ByAddress(address);
  }

  static PeerTarget of(NodeId node) {
    return new ByNode(node);
  }
}
