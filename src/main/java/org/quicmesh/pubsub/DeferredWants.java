package org.quicmesh.pubsub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.function.Predicate;
import org.quicmesh.identity.NodeId;

/**
 * Announced messages we have not seen, held back before we ask for them (IWant). A choked peer's IHave often beats
 * the full copy an unchoked peer is already sending, and on a loaded node any announcement beats copies queued behind
 * other traffic (see {@link AnnouncementLag}): asking at once costs an IWant, its answer and a duplicate. When a
 * message is due, it is asked for only if still missing, from the first of its announcers still connected. Plain
 * logic, owned by the router.
 */
final class DeferredWants {
  /** Announcers remembered per message: alternatives for when the first one's link is lost meanwhile. */
  static final int MAX_ANNOUNCERS = 4;

  private static final class Wait {
    final List<NodeId> announcers = new ArrayList<>(2);
    final long dueMillis;

    Wait(long dueMillis) {
      this.dueMillis = dueMillis;
    }
  }

  private record Due(long dueMillis, MessageId id) {}

  private final Map<MessageId, Wait> waiting = new HashMap<>();
  /** Due times in order; an entry whose message was asked or forgotten meanwhile is skipped when it comes up. */
  private final PriorityQueue<Due> byDue = new PriorityQueue<>((a, b) -> Long.compare(a.dueMillis, b.dueMillis));

  /**
   * {@code peer} announced {@code id}; the first announcement of a message sets when it is asked for, later ones
   * add alternative announcers.
   */
  void defer(MessageId id, NodeId peer, long dueMillis) {
    Wait wait = waiting.get(id);
    if (wait == null) {
      wait = new Wait(dueMillis);
      waiting.put(id, wait);
      byDue.add(new Due(dueMillis, id));
    }
    if (wait.announcers.size() < MAX_ANNOUNCERS && !wait.announcers.contains(peer)) {
      wait.announcers.add(peer);
    }
  }

  /**
   * The messages due at {@code nowMillis} that are still {@code missing}, by the peer to ask (in due order); every
   * due message is forgotten.
   */
  Map<NodeId, List<MessageId>> due(long nowMillis, Predicate<MessageId> missing) {
    Map<NodeId, List<MessageId>> ask = new LinkedHashMap<>();
    while (!byDue.isEmpty() && byDue.peek().dueMillis() <= nowMillis) {
      Due next = byDue.poll();
      if (stale(next)) {
        continue;
      }
      Wait wait = waiting.remove(next.id());
      if (missing.test(next.id())) {
        ask.computeIfAbsent(wait.announcers.get(0), p -> new ArrayList<>()).add(next.id());
      }
    }
    return ask;
  }

  /** When the next message is due, if any is waiting. */
  OptionalLong nextDue() {
    while (!byDue.isEmpty() && stale(byDue.peek())) {
      byDue.poll();
    }
    return byDue.isEmpty() ? OptionalLong.empty() : OptionalLong.of(byDue.peek().dueMillis());
  }

  /** The message was dropped since, or dropped and announced again (a later wait of its own). */
  private boolean stale(Due due) {
    Wait wait = waiting.get(due.id());
    return wait == null || wait.dueMillis != due.dueMillis();
  }

  /** {@code peer} is gone: its announcements fall to the other announcers; messages only it announced are dropped. */
  void forgetPeer(NodeId peer) {
    waiting.values().removeIf(w -> w.announcers.remove(peer) && w.announcers.isEmpty());
  }

  int size() {
    return waiting.size();
  }
}
