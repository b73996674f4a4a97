package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Publish;

class MessageCacheTest {
  private static final NodeId PEER = PubSubTestData.peer(1);
  private static final NodeId OTHER = PubSubTestData.peer(2);

  private static Publish msg(String topic, long seqno) {
    return PubSubTestData.sized(topic, seqno, 10);
  }

  private static List<byte[]> wire(Publish... messages) {
    List<byte[]> ids = new ArrayList<>();
    for (Publish m : messages) {
      ids.add(MessageId.of(m).bytes());
    }
    return ids;
  }

  @Test
  void putMessagesCanBeFetchedById() {
    MessageCache cache = new MessageCache();
    Publish m = msg("t", 1);
    assertTrue(cache.put(m));
    assertFalse(cache.put(m));
    assertEquals(m, cache.get(MessageId.of(m)).orElseThrow());
    assertTrue(cache.get(MessageId.of(msg("t", 2))).isEmpty());
    assertEquals(1, cache.size());
  }

  @Test
  void messagesLeaveAfterHistoryLengthShifts() {
    MessageCache cache = new MessageCache(5, 3, 3, 100);
    Publish m = msg("t", 1);
    cache.put(m);
    for (int i = 0; i < 4; i++) {
      cache.shift();
      assertTrue(cache.get(MessageId.of(m)).isPresent(), "still held after " + (i + 1) + " shifts");
    }
    cache.shift();
    assertTrue(cache.get(MessageId.of(m)).isEmpty());
    assertEquals(0, cache.size());
  }

  @Test
  void gossipIdsCoverOnlyTheLastGossipWindowsOfTheTopic() {
    MessageCache cache = new MessageCache(5, 3, 3, 100);
    List<MessageId> expected = new ArrayList<>();
    for (int window = 0; window < 5; window++) {
      Publish onTopic = msg("t", window);
      cache.put(onTopic);
      cache.put(msg("other", 100 + window));
      if (window >= 2) {
        expected.add(MessageId.of(onTopic)); // windows 2, 3, 4 are the newest three
      }
      if (window < 4) {
        cache.shift();
      }
    }
    List<MessageId> gossip = cache.gossipIds("t");
    Collections.reverse(expected); // newest first
    assertEquals(expected, gossip);
    assertEquals(10, cache.size()); // the two older windows are still served to IWant
    assertTrue(cache.get(MessageId.of(msg("t", 0))).isPresent());
    assertTrue(cache.gossipIds("absent").isEmpty());
  }

  @Test
  void iwantIsAnsweredWithHeldMessagesOnlyAndUnknownIdsAreCounted() {
    MessageCache cache = new MessageCache();
    Publish held = msg("t", 1);
    cache.put(held);
    List<byte[]> ids = new ArrayList<>(wire(held, msg("t", 2)));
    ids.add(new byte[] {1, 2, 3}); // not one of our ids at all
    IWantAnswer answer = cache.answerIWant(PEER, ids);
    assertEquals(List.of(held), answer.messages());
    assertEquals(2, answer.unknown());
    assertEquals(2, answer.ignored());
    assertEquals(2, cache.ignoredUnknown());
  }

  @Test
  void aMessageGoesToTheSamePeerAtMostGossipRetransmissionTimes() {
    MessageCache cache = new MessageCache(5, 3, MessageCache.DEFAULT_GOSSIP_RETRANSMISSION, 1_000);
    assertEquals(3, MessageCache.DEFAULT_GOSSIP_RETRANSMISSION);
    Publish m = msg("t", 1);
    cache.put(m);
    // One IWant repeating the id 100 times, then more IWants in later heartbeats: 3 copies in all.
    List<byte[]> repeated = Collections.nCopies(100, MessageId.of(m).bytes());
    IWantAnswer first = cache.answerIWant(PEER, repeated);
    assertEquals(3, first.messages().size());
    assertEquals(97, first.overRetransmissionLimit());
    cache.shift();
    assertEquals(0, cache.answerIWant(PEER, wire(m)).messages().size());
    // Another peer has its own allowance.
    assertEquals(3, cache.answerIWant(OTHER, repeated).messages().size());
    assertEquals(97 + 1 + 97, cache.ignoredOverRetransmission());
  }

  @Test
  void aPeerGetsAtMostItsBudgetPerHeartbeat() {
    MessageCache cache = new MessageCache(5, 3, 3, 10);
    List<Publish> all = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      Publish m = msg("t", i);
      cache.put(m);
      all.add(m);
    }
    List<byte[]> ids = wire(all.toArray(Publish[]::new));
    IWantAnswer first = cache.answerIWant(PEER, ids);
    assertEquals(all.subList(0, 10), first.messages());
    assertEquals(15, first.overPeerBudget());
    assertEquals(0, cache.answerIWant(PEER, ids).messages().size(), "budget spent for this heartbeat");
    assertEquals(10, cache.answerIWant(OTHER, ids).messages().size(), "budgets are per peer");
    cache.shift();
    assertEquals(10, cache.answerIWant(PEER, ids).messages().size(), "fresh budget after the heartbeat");
    assertEquals(15 + 25 + 15 + 15, cache.ignoredOverPeerBudget());
  }

  @Test
  void totalAnswersToOnePeerAreBoundedWhateverItAsks() {
    // Amplification bound: over H heartbeats one peer gets at most min(budget * H, held * retransmission) messages.
    MessageCache cache = new MessageCache(5, 3, 3, 50);
    List<Publish> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Publish m = msg("t", i);
      cache.put(m);
      all.add(m);
    }
    List<byte[]> ids = new ArrayList<>();
    for (int r = 0; r < 100; r++) {
      ids.addAll(wire(all.toArray(Publish[]::new)));
    }
    int sent = 0;
    for (int heartbeat = 0; heartbeat < 4; heartbeat++) { // messages stay held throughout (history 5)
      sent += cache.answerIWant(PEER, ids).messages().size();
      cache.shift();
    }
    assertEquals(40 * 3, sent);
  }

  @Test
  void overTheByteBoundTheOldestMessagesGoFirst() {
    Publish first = msg("t", 1);
    int size = WireSize.of(first);
    MessageCache cache = new MessageCache(5, 3, 3, 100, 3L * size);
    cache.put(first);
    cache.shift();
    Publish second = msg("t", 2);
    Publish third = msg("t", 3);
    cache.put(second);
    cache.put(third);
    assertEquals(3L * size, cache.heldBytes());
    assertEquals(0, cache.evictedForBytes());

    Publish fourth = msg("t", 4);
    cache.put(fourth);
    assertTrue(cache.get(MessageId.of(first)).isEmpty(), "the oldest window's message went first");
    cache.put(msg("t", 5));
    assertTrue(cache.get(MessageId.of(second)).isEmpty(), "then the oldest of the newest window");
    assertTrue(cache.get(MessageId.of(third)).isPresent());
    assertTrue(cache.get(MessageId.of(fourth)).isPresent());
    assertEquals(3, cache.size());
    assertEquals(3L * size, cache.heldBytes());
    assertEquals(2, cache.evictedForBytes());
    assertEquals(List.of(MessageId.of(third), MessageId.of(fourth), MessageId.of(msg("t", 5))),
        cache.gossipIds("t"));

    for (int i = 0; i < 5; i++) {
      cache.shift();
    }
    assertEquals(0, cache.size());
    assertEquals(0, cache.heldBytes(), "bytes leave with their windows too");
  }

  @Test
  void aMessageLargerThanTheBoundIsNotHeld() {
    MessageCache cache = new MessageCache(5, 3, 3, 100, 10);
    Publish big = msg("t", 1);
    cache.put(big);
    assertTrue(cache.get(MessageId.of(big)).isEmpty());
    assertEquals(0, cache.heldBytes());
    cache.shift();
    cache.put(msg("t", 2));
    assertEquals(0, cache.size());
  }
}
