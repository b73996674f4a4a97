package org.quicmesh.connect;

import java.net.InetSocketAddress;
import java.util.List;
import org.quicmesh.identity.NodeId;

/**
 * A connection to a peer as its user sees it: over which path it runs now ("direct" or "relayed"), the real address
 * packets go to (the peer's, or its relay's), the last RTT measured on that path, the relay behind it if any, how
 * often it moved between paths, and the figures of every path its checks watch (direct and relay; empty for a
 * connection nobody probes, e.g. one a peer opened to us directly).
 */
public record ConnectionInfo(NodeId peer, String path, InetSocketAddress remote, double rttMs, NodeId relay,
    int pathChanges, List<PathStats> paths) {

  public ConnectionInfo {
    paths = List.copyOf(paths);
  }

  public boolean isDirect() {
    return "direct".equals(path);
  }
}
