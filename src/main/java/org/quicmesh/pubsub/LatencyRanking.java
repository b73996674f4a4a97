package org.quicmesh.pubsub;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.quicmesh.identity.NodeId;

/**
 * The measured round-trip times of one topic's peers and the latency-aware choices made from them: which peers to
 * graft or keep ({@link #choose}: the share {@code dFast}/{@code d} the fastest, the rest random, so a mesh is fast and
 * still a random graph), the fastest first, and the median of a set. Peers without a measurement are never ranked as
 * fast. Plain logic, owned by a {@link TopicMesh}.
 */
final class LatencyRanking {
  private final int d;
  private final int dFast;
  /** Smoothed round-trip time per connected peer, as the router measured it. */
  private final Map<NodeId, Double> rttMillis = new LinkedHashMap<>();

  LatencyRanking(int d, int dFast) {
    this.d = d;
    this.dFast = dFast;
  }

  void update(NodeId peer, double millis) {
    rttMillis.put(peer, millis);
  }

  void forget(NodeId peer) {
    rttMillis.remove(peer);
  }

  /** The measured round-trip time to {@code peer}, or -1. */
  double rttOf(NodeId peer) {
    return rttMillis.getOrDefault(peer, -1.0);
  }

  /** {@code n} peers of {@code from}: round(n x dFast / d) of them the fastest measured ones, the rest random. */
  List<NodeId> choose(List<NodeId> from, int n, Random random) {
    if (n <= 0 || from.isEmpty()) {
      return List.of();
    }
    int fast = (int) Math.round(n * (double) dFast / d);
    List<NodeId> fastest = fastestFirst(from);
    List<NodeId> chosen = new ArrayList<>(fastest.subList(0, Math.min(fast, fastest.size())));
    List<NodeId> rest = new ArrayList<>(from);
    rest.removeAll(chosen);
    chosen.addAll(TopicMesh.sample(rest, n - chosen.size(), random));
    return chosen;
  }

  /** The peers of {@code from} with a measured round-trip time, lowest first (ties keep their order). */
  List<NodeId> fastestFirst(Iterable<NodeId> from) {
    List<NodeId> measured = new ArrayList<>();
    for (NodeId peer : from) {
      if (rttMillis.containsKey(peer)) {
        measured.add(peer);
      }
    }
    measured.sort(Comparator.comparingDouble(rttMillis::get));
    return measured;
  }

  /** The median measured round-trip time of {@code peers}, or -1 when none is measured. */
  double median(Iterable<NodeId> peers) {
    List<NodeId> measured = fastestFirst(peers);
    return measured.isEmpty() ? -1 : rttMillis.get(measured.get(measured.size() / 2));
  }
}
