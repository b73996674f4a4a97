package org.quicmesh.connect;

import java.net.InetSocketAddress;
import org.quicmesh.identity.NodeId;

/**
 * A connection to a peer as its user sees it: over which path it runs now ("direct" or "relayed"), the real address
 * packets go to (the peer's, or its relay's), the last RTT measured on that path, the relay behind it if any, and how
 * often it moved between paths.
 */
public record ConnectionInfo(NodeId peer, String path, InetSocketAddress remote, double rttMs, NodeId relay,
    int pathChanges) {

  public boolean isDirect() {
    return "direct".equals(path);
  }
}
