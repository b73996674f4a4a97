package org.quicmesh.pubsub;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.quicmesh.identity.NodeId;

/**
 * IWant promises (GossipSub v1.1): a peer that advertised an id in IHave and was then asked for it in IWant promised
 * to deliver it within {@code followupMillis}. A promise is kept when the message arrives (from anyone: we then have
 * it); a broken promise counts against the peer that made it, and the router uses {@link #brokenPromises} to penalise
 * or prune it.
 *
 * <p>As in go-libp2p's gossip tracer, one IWant records one promise, on an id chosen at random among those asked:
 * a broken promise then means one unanswered IWant, memory stays at one entry per IWant, and the peer cannot tell
 * which id it must answer to escape the penalty. Expiry walks promises in deadline order, O(1) amortised.
 * Not thread-safe (owned by one actor).
 */
final class PromiseTracker {
  /** GossipSub v1.1 default {@code GossipSubIWantFollowupTime}: 3 s. */
  public static final long DEFAULT_FOLLOWUP_MILLIS = 3_000;

  private final long followupMillis;
  /** Open promises: message id -> (peer -> deadline). */
  private final Map<MessageId, Map<NodeId, Long>> open = new HashMap<>();
  /** Every recorded promise in deadline order; entries already kept are skipped when they come up. */
  private final ArrayDeque<Pending> byDeadline = new ArrayDeque<>();
  private final Map<NodeId, Long> broken = new HashMap<>();

  /** @param followupMillis how long a peer has to deliver what it advertised (positive) */
  public PromiseTracker(long followupMillis) {
    if (followupMillis <= 0) {
      throw new IllegalArgumentException("followupMillis must be positive");
    }
    this.followupMillis = followupMillis;
  }

  /** With the GossipSub default of 3 s. */
  public PromiseTracker() {
    this(DEFAULT_FOLLOWUP_MILLIS);
  }

  /**
   * We sent {@code peer} an IWant for {@code asked} (ids it advertised): records a promise on one of them, chosen with
   * {@code random}, due {@code followupMillis} from now. An existing promise of the peer for that id keeps its earlier
   * deadline. Nothing is recorded for an empty list.
   */
  public void promise(NodeId peer, List<MessageId> asked, long nowMillis, Random random) {
    if (asked.isEmpty()) {
      return;
    }
    MessageId id = asked.get(random.nextInt(asked.size()));
    long deadline = nowMillis + followupMillis;
    Map<NodeId, Long> peers = open.computeIfAbsent(id, k -> new HashMap<>(2));
    if (peers.putIfAbsent(peer, deadline) == null) {
      byDeadline.addLast(new Pending(id, peer, deadline));
    }
  }

  /**
   * A valid message with this id arrived: every promise for it is kept. (Call it only after the signature verified:
   * garbage under a promised id keeps nothing.)
   */
  public void delivered(MessageId id) {
    open.remove(id);
  }

  /**
   * Promises due by {@code nowMillis} and not kept: they are removed, added to each peer's {@link #brokenPromises}
   * count, and returned as peer -> promises broken now (empty if none).
   */
  public Map<NodeId, Integer> expired(long nowMillis) {
    Map<NodeId, Integer> brokenNow = new HashMap<>();
    while (!byDeadline.isEmpty() && byDeadline.peekFirst().deadline <= nowMillis) {
      Pending p = byDeadline.removeFirst();
      Map<NodeId, Long> peers = open.get(p.id);
      if (peers == null || !peers.remove(p.peer, p.deadline)) {
        continue; // kept, or the peer was forgotten
      }
      if (peers.isEmpty()) {
        open.remove(p.id);
      }
      brokenNow.merge(p.peer, 1, Integer::sum);
      broken.merge(p.peer, 1L, Long::sum);
    }
    return brokenNow;
  }

  /** Promises {@code peer} has broken since it was last forgotten. */
  public long brokenPromises(NodeId peer) {
    return broken.getOrDefault(peer, 0L);
  }

  /** Drops everything about a disconnected peer: its open promises and its broken count. */
  public void forgetPeer(NodeId peer) {
    broken.remove(peer);
    open.values().removeIf(peers -> peers.remove(peer) != null && peers.isEmpty());
  }

  /** Open promises (for telemetry and tests). */
  public int openPromises() {
    int n = 0;
    for (Map<NodeId, Long> peers : open.values()) {
      n += peers.size();
    }
    return n;
  }

  private record Pending(MessageId id, NodeId peer, long deadline) {}
}
