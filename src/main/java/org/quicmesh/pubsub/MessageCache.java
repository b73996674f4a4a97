package org.quicmesh.pubsub;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Publish;

/**
 * GossipSub's message cache (mcache): the messages of the last {@code historyLength} heartbeats, in windows shifted
 * by {@link #shift()} once per heartbeat. The ids of the newest {@code gossipWindows} windows are advertised in IHave;
 * all held messages can be served to IWant.
 *
 * <p>IWant answers are bounded so that a peer cannot use us as an amplifier: each message goes to the same peer at
 * most {@code gossipRetransmission} times while it is cached (GossipSub v1.1 {@code GossipRetransmission}), and one
 * peer gets at most {@code maxIWantAnswersPerPeer} messages per heartbeat. Everything else is ignored and counted.
 *
 * <p>Memory: the held messages (whatever was put in the last {@code historyLength} heartbeats, at most
 * {@code maxBytes} of them on the wire: over that the oldest go first; the router puts only validated, first-seen
 * messages) plus per-message counters of the peers they were sent to and one budget counter per peer that asked since
 * the last shift. Not thread-safe (owned by one actor).
 */
final class MessageCache {
  /** GossipSub default {@code mcache_len}. */
  public static final int DEFAULT_HISTORY_LENGTH = 5;
  /** GossipSub default {@code mcache_gossip}. */
  public static final int DEFAULT_GOSSIP_WINDOWS = 3;
  /** GossipSub v1.1 default {@code GossipRetransmission}. */
  public static final int DEFAULT_GOSSIP_RETRANSMISSION = 3;
  /**
   * Quicmesh default of messages answered to one peer per heartbeat: a fifth of the most ids an IHave may carry, so a
   * peer that missed a burst is repaired over a few heartbeats while one IWant cannot pull 5,000 × 64 KiB at once.
   */
  public static final int DEFAULT_MAX_IWANT_ANSWERS_PER_PEER = 1_000;
  /** Quicmesh default bound on the held messages' wire bytes ({@code mcache-max-bytes}). */
  public static final long DEFAULT_MAX_BYTES = 8L << 20;

  private final int historyLength;
  private final int gossipWindows;
  private final int gossipRetransmission;
  private final int maxIWantAnswersPerPeer;
  private final long maxBytes;

  /** Newest window first; in each window the oldest entry first. */
  private final ArrayDeque<ArrayDeque<Entry>> windows = new ArrayDeque<>();
  private final Map<MessageId, Entry> byId = new HashMap<>();
  /** Messages answered to each peer since the last shift. */
  private final Map<NodeId, Integer> answeredThisHeartbeat = new HashMap<>();

  private long heldBytes;
  private long evictedForBytes;
  private long ignoredUnknown;
  private long ignoredOverRetransmission;
  private long ignoredOverPeerBudget;

  /**
   * @param historyLength windows held ({@code mcache-len}, at least 1)
   * @param gossipWindows newest windows advertised in IHave ({@code mcache-gossip}, 1..historyLength)
   * @param gossipRetransmission most times one message is sent to the same peer in answer to IWant (at least 1)
   * @param maxIWantAnswersPerPeer most messages answered to one peer per heartbeat (at least 1)
   * @param maxBytes most wire bytes of messages held ({@code mcache-max-bytes}, positive)
   */
  public MessageCache(int historyLength, int gossipWindows, int gossipRetransmission, int maxIWantAnswersPerPeer,
      long maxBytes) {
    if (historyLength < 1 || gossipWindows < 1 || gossipWindows > historyLength) {
      throw new IllegalArgumentException(
          "need 1 <= gossipWindows (" + gossipWindows + ") <= historyLength (" + historyLength + ")");
    }
    if (gossipRetransmission < 1 || maxIWantAnswersPerPeer < 1) {
      throw new IllegalArgumentException("need gossipRetransmission >= 1 and maxIWantAnswersPerPeer >= 1");
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    this.historyLength = historyLength;
    this.gossipWindows = gossipWindows;
    this.gossipRetransmission = gossipRetransmission;
    this.maxIWantAnswersPerPeer = maxIWantAnswersPerPeer;
    this.maxBytes = maxBytes;
    windows.addFirst(new ArrayDeque<>());
  }

  /** With the default byte bound. */
  public MessageCache(int historyLength, int gossipWindows, int gossipRetransmission, int maxIWantAnswersPerPeer) {
    this(historyLength, gossipWindows, gossipRetransmission, maxIWantAnswersPerPeer, DEFAULT_MAX_BYTES);
  }

  /** With GossipSub's defaults: 5 windows, 3 gossiped, 3 retransmissions; 1,000 answers per peer per heartbeat. */
  public MessageCache() {
    this(DEFAULT_HISTORY_LENGTH, DEFAULT_GOSSIP_WINDOWS, DEFAULT_GOSSIP_RETRANSMISSION,
        DEFAULT_MAX_IWANT_ANSWERS_PER_PEER);
  }

  /**
   * Adds a message to the newest window.
   *
   * @return false (and nothing changes) if a message with the same id is already held
   */
  public boolean put(Publish message) {
    MessageId id = MessageId.of(message);
    if (byId.containsKey(id)) {
      return false;
    }
    Entry entry = new Entry(id, message, WireSize.of(message));
    byId.put(id, entry);
    windows.getFirst().addLast(entry);
    heldBytes += entry.bytes;
    while (heldBytes > maxBytes) {
      evictOldest();
    }
    return true;
  }

  private void evictOldest() {
    ArrayDeque<Entry> oldest = windows.getLast();
    while (oldest.isEmpty()) {
      windows.removeLast(); // empty windows before the newest: shift() adds another when it is due
      oldest = windows.getLast();
    }
    forget(oldest.removeFirst());
    evictedForBytes++;
  }

  private void forget(Entry entry) {
    byId.remove(entry.id);
    heldBytes -= entry.bytes;
  }

  /** The held message with this id, if any. */
  public Optional<Publish> get(MessageId id) {
    Entry entry = byId.get(id);
    return entry == null ? Optional.empty() : Optional.of(entry.message);
  }

  /** Ids on {@code topic} in the newest {@code gossipWindows} windows, newest first: what to advertise in IHave. */
  public List<MessageId> gossipIds(String topic) {
    List<MessageId> ids = new ArrayList<>();
    Iterator<ArrayDeque<Entry>> it = windows.iterator();
    for (int i = 0; i < gossipWindows && it.hasNext(); i++) {
      for (Entry entry : it.next()) {
        if (entry.message.topic().equals(topic)) {
          ids.add(entry.id);
        }
      }
    }
    return ids;
  }

  /**
   * Heartbeat: opens a new window, drops the oldest beyond {@code historyLength} (its messages can no longer be
   * served), and gives every peer a fresh IWant budget.
   */
  public void shift() {
    windows.addFirst(new ArrayDeque<>());
    while (windows.size() > historyLength) {
      windows.removeLast().forEach(this::forget);
    }
    answeredThisHeartbeat.clear();
  }

  /**
   * Answers an IWant from {@code peer}: the held messages among {@code ids}, within the amplification bounds (see the
   * class comment). Ids that are not ours (wrong length or unknown) are ignored; the rest of the bound-breaking ids
   * are ignored too, and all of them are counted.
   */
  public IWantAnswer answerIWant(NodeId peer, List<byte[]> ids) {
    List<Publish> messages = new ArrayList<>();
    int unknown = 0;
    int overRetransmission = 0;
    int overBudget = 0;
    int answered = answeredThisHeartbeat.getOrDefault(peer, 0);
    for (byte[] raw : ids) {
      Entry entry = raw != null && raw.length == MessageId.BYTES ? byId.get(MessageId.fromBytes(raw)) : null;
      if (entry == null) {
        unknown++;
      } else if (entry.sentTo(peer) >= gossipRetransmission) {
        overRetransmission++;
      } else if (answered >= maxIWantAnswersPerPeer) {
        overBudget++;
      } else {
        entry.recordSend(peer);
        answered++;
        messages.add(entry.message);
      }
    }
    if (answered > 0) {
      answeredThisHeartbeat.put(peer, answered);
    }
    ignoredUnknown += unknown;
    ignoredOverRetransmission += overRetransmission;
    ignoredOverPeerBudget += overBudget;
    return new IWantAnswer(messages, unknown, overRetransmission, overBudget);
  }

  /** Messages held. */
  public int size() {
    return byId.size();
  }

  /** Wire bytes of the held messages. */
  public long heldBytes() {
    return heldBytes;
  }

  /** Messages dropped before their history ran out, to stay within the byte bound. */
  public long evictedForBytes() {
    return evictedForBytes;
  }

  /** IWant ids ignored since creation because we did not hold them. */
  public long ignoredUnknown() {
    return ignoredUnknown;
  }

  /** IWant ids ignored since creation because the message had been sent to that peer often enough. */
  public long ignoredOverRetransmission() {
    return ignoredOverRetransmission;
  }

  /** IWant ids ignored since creation because the asking peer had used up its answers for the heartbeat. */
  public long ignoredOverPeerBudget() {
    return ignoredOverPeerBudget;
  }

  /** A held message and how often it was sent to each peer in answer to IWant. */
  private static final class Entry {
    final MessageId id;
    final Publish message;
    final int bytes;
    Map<NodeId, Integer> sends; // created on the first IWant: most messages are never asked for

    Entry(MessageId id, Publish message, int bytes) {
      this.id = id;
      this.message = message;
      this.bytes = bytes;
    }

    int sentTo(NodeId peer) {
      return sends == null ? 0 : sends.getOrDefault(peer, 0);
    }

    void recordSend(NodeId peer) {
      if (sends == null) {
        sends = new HashMap<>(4);
      }
      sends.merge(peer, 1, Integer::sum);
    }
  }
}
