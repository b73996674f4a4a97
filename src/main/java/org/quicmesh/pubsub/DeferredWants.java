package org.quicmesh.pubsub;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Predicate;
import org.quicmesh.identity.NodeId;

/**
 * Messages that only choked peers announced so far, held back for {@code choke.iwant-delay} before we ask for them.
 * A choked peer's IHave often beats the full copy an unchoked peer is already sending: asking at once cost an IWant,
 * its answer and a duplicate for about a quarter of all deliveries on 50 QUIC nodes. After the delay only what is
 * still missing is asked for, from the first peer that announced it. Plain logic, owned by the router.
 */
final class DeferredWants {

  private record Wait(NodeId announcer, long dueMillis) {}

  /** By message, in the order of their first announcement (so of their due times). */
  private final Map<MessageId, Wait> waiting = new LinkedHashMap<>();

  /** {@code peer} announced {@code id}; the first announcement of a message sets when it is asked for. */
  void defer(MessageId id, NodeId peer, long dueMillis) {
    waiting.putIfAbsent(id, new Wait(peer, dueMillis));
  }

  /**
   * The messages due at {@code nowMillis} that are still {@code missing}, by the peer to ask; every due message is
   * forgotten.
   */
  Map<NodeId, List<MessageId>> due(long nowMillis, Predicate<MessageId> missing) {
    Map<NodeId, List<MessageId>> ask = new LinkedHashMap<>();
    for (Iterator<Map.Entry<MessageId, Wait>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<MessageId, Wait> entry = it.next();
      if (entry.getValue().dueMillis() > nowMillis) {
        break;
      }
      it.remove();
      if (missing.test(entry.getKey())) {
        ask.computeIfAbsent(entry.getValue().announcer(), p -> new ArrayList<>()).add(entry.getKey());
      }
    }
    return ask;
  }

  /** When the next message is due, if any is waiting. */
  OptionalLong nextDue() {
    return waiting.isEmpty() ? OptionalLong.empty()
        : OptionalLong.of(waiting.values().iterator().next().dueMillis());
  }

  /** {@code peer} is gone: messages only it announced are forgotten (the heartbeat's gossip still covers them). */
  void forgetPeer(NodeId peer) {
    waiting.values().removeIf(w -> w.announcer().equals(peer));
  }

  int size() {
    return waiting.size();
  }
}
