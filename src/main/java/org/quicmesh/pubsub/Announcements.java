package org.quicmesh.pubsub;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.IHave;
import org.quicmesh.wire.Limits;

/**
 * Our announcements to the mesh peers of one topic that choked us, collected for {@code choke.announce-delay} and then
 * sent as one IHave per peer, with how long we had held each message when it goes out. One IHave per message was 3
 * of the 14 datagrams per delivery on 50 QUIC nodes (6 with the ACKs they drew); a batch costs one. The hold times
 * keep the batching from hiding how fast the peer would have had the message from us, which is what may get us
 * unchoked. Plain logic, owned by the topic actor.
 */
final class Announcements {

  private record Held(MessageId id, long sinceMillis) {}

  private final String topic;
  private final Map<NodeId, List<Held>> pending = new LinkedHashMap<>();

  Announcements(String topic) {
    this.topic = topic;
  }

  /**
   * We have had message {@code id} since {@code nowMillis} and {@code peer} choked us.
   *
   * @return the peer's IHave to send now when its batch is full, else null (it waits for {@link #drain})
   */
  IHave add(NodeId peer, MessageId id, long nowMillis) {
    List<Held> batch = pending.computeIfAbsent(peer, p -> new ArrayList<>());
    batch.add(new Held(id, nowMillis));
    if (batch.size() < Limits.MAX_MESSAGE_IDS) {
      return null;
    }
    pending.remove(peer);
    return announcement(batch, nowMillis);
  }

  /** Whether nothing waits (the next {@link #add} starts a new batch, so the caller starts its timer). */
  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Every waiting batch as one IHave per peer, with the hold times as of {@code nowMillis}; nothing waits after. */
  Map<NodeId, IHave> drain(long nowMillis) {
    Map<NodeId, IHave> out = new LinkedHashMap<>();
    pending.forEach((peer, batch) -> out.put(peer, announcement(batch, nowMillis)));
    pending.clear();
    return out;
  }

  /** The peer left the topic or is gone: what waited for it is dropped. */
  void forget(NodeId peer) {
    pending.remove(peer);
  }

  private IHave announcement(List<Held> batch, long nowMillis) {
    List<byte[]> ids = new ArrayList<>(batch.size());
    List<Integer> held = new ArrayList<>(batch.size());
    for (Held h : batch) {
      ids.add(h.id().bytes());
      held.add((int) Math.min(Limits.MAX_HELD_MILLIS, Math.max(0, nowMillis - h.sinceMillis())));
    }
    return new IHave(topic, ids, held);
  }
}
