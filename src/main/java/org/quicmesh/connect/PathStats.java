package org.quicmesh.connect;

import java.net.InetSocketAddress;
import org.quicmesh.identity.NodeId;

/**
 * What the checks on one path of a connection measured: its kind ("direct" or "relayed"), where its packets go (the
 * peer's address, or its relay's), the smoothed RTT (NaN until a check was answered), the fraction of checks lost so
 * far, and whether it counts as alive (fewer than max-misses unanswered in a row).
 */
public record PathStats(String kind, InetSocketAddress via, double rttMs, double loss, boolean alive) {

  /** A prober's or relay watch's latest figures for one path of {@code peer}. */
  record Measured(NodeId peer, PathStats path) {}
}
