package org.quicmesh.pubsub;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.quicmesh.identity.NodeId;

/**
 * IHave flood protection (GossipSub v1.1): per peer and per heartbeat, at most {@code maxIHaveMessages} IHaves are
 * considered and at most {@code maxIHaveLength} ids are asked for in IWant. A peer flooding IHaves (or advertising
 * huge id lists) therefore cannot make us send unbounded IWants or hold unbounded promises. When an IHave offers more
 * ids than the remaining budget, a random subset is asked (as in go-libp2p), so the advertiser cannot choose which.
 * Not thread-safe (owned by one actor).
 */
final class IHaveBudget {
  /** GossipSub v1.1 default {@code GossipSubMaxIHaveMessages}. */
  public static final int DEFAULT_MAX_IHAVE_MESSAGES = 10;
  /** GossipSub v1.1 default {@code GossipSubMaxIHaveLength}. */
  public static final int DEFAULT_MAX_IHAVE_LENGTH = 5_000;

  private final int maxIHaveMessages;
  private final int maxIHaveLength;
  private final Map<NodeId, int[]> perPeer = new HashMap<>(); // {IHaves received, ids asked} this heartbeat
  private long ignoredIHaves;
  private long ignoredIds;

  /**
   * @param maxIHaveMessages IHaves considered per peer per heartbeat (at least 1)
   * @param maxIHaveLength ids asked per peer per heartbeat (at least 1)
   */
  public IHaveBudget(int maxIHaveMessages, int maxIHaveLength) {
    if (maxIHaveMessages < 1 || maxIHaveLength < 1) {
      throw new IllegalArgumentException("need maxIHaveMessages >= 1 and maxIHaveLength >= 1");
    }
    this.maxIHaveMessages = maxIHaveMessages;
    this.maxIHaveLength = maxIHaveLength;
  }

  /** With the GossipSub defaults: 10 IHaves and 5,000 ids per peer per heartbeat. */
  public IHaveBudget() {
    this(DEFAULT_MAX_IHAVE_MESSAGES, DEFAULT_MAX_IHAVE_LENGTH);
  }

  /**
   * An IHave arrived from {@code peer}; {@code wanted} are its ids we have not seen. Counts the IHave (even when
   * nothing is wanted) and returns the ids to ask for in IWant: duplicates removed, cut to the peer's remaining
   * budget; empty when the peer is over either limit.
   */
  public List<MessageId> admit(NodeId peer, List<MessageId> wanted, Random random) {
    int[] used = perPeer.computeIfAbsent(peer, k -> new int[2]);
    used[0]++;
    if (used[0] > maxIHaveMessages || used[1] >= maxIHaveLength) {
      ignoredIHaves++;
      ignoredIds += wanted.size();
      return List.of();
    }
    List<MessageId> ask = new ArrayList<>(new LinkedHashSet<>(wanted));
    int room = maxIHaveLength - used[1];
    if (ask.size() > room) {
      Collections.shuffle(ask, random);
      ignoredIds += ask.size() - room;
      ask = new ArrayList<>(ask.subList(0, room));
    }
    used[1] += ask.size();
    return ask;
  }

  /**
   * Like {@link #admit}, for an announcement from a peer we choked (what it would have pushed, sent as it comes or
   * in batches, not heartbeat gossip): the IHave is not counted against the message limit, the ids are against the id
   * limit.
   */
  public List<MessageId> admitAnnouncement(NodeId peer, List<MessageId> wanted, Random random) {
    perPeer.computeIfAbsent(peer, k -> new int[2])[0]--;
    return admit(peer, wanted, random);
  }

  /** Heartbeat: every peer gets a fresh budget. */
  public void heartbeat() {
    perPeer.clear();
  }

  /** IHaves ignored since creation because their sender was over a limit. */
  public long ignoredIHaves() {
    return ignoredIHaves;
  }

  /** Advertised, wanted ids not asked for since creation because of the limits. */
  public long ignoredIds() {
    return ignoredIds;
  }
}
