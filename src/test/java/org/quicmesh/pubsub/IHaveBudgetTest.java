package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;

class IHaveBudgetTest {
  private static final NodeId PEER = PubSubTestData.peer(1);
  private static final NodeId OTHER = PubSubTestData.peer(2);
  private static final byte[] ORIGIN = PubSubTestData.keypair(1).publicKey();

  private static List<MessageId> ids(int from, int count) {
    List<MessageId> ids = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      ids.add(MessageId.of(ORIGIN, i));
    }
    return ids;
  }

  @Test
  void defaultsAreTheGossipSubOnes() {
    assertEquals(10, IHaveBudget.DEFAULT_MAX_IHAVE_MESSAGES);
    assertEquals(5_000, IHaveBudget.DEFAULT_MAX_IHAVE_LENGTH);
  }

  @Test
  void atMostMaxIHaveMessagesArePerPeerPerHeartbeat() {
    IHaveBudget budget = new IHaveBudget(10, 5_000);
    Random random = new Random(1);
    for (int i = 0; i < 10; i++) {
      assertEquals(1, budget.admit(PEER, ids(i, 1), random).size());
    }
    assertTrue(budget.admit(PEER, ids(10, 1), random).isEmpty(), "the 11th IHave is ignored");
    assertEquals(1, budget.admit(OTHER, ids(10, 1), random).size(), "other peers are unaffected");
    budget.heartbeat();
    assertEquals(1, budget.admit(PEER, ids(10, 1), random).size(), "fresh budget after the heartbeat");
    assertEquals(1, budget.ignoredIHaves());
    assertEquals(1, budget.ignoredIds());
  }

  @Test
  void iHavesWithNothingWantedStillCount() {
    IHaveBudget budget = new IHaveBudget(3, 5_000);
    Random random = new Random(1);
    for (int i = 0; i < 3; i++) {
      budget.admit(PEER, List.of(), random);
    }
    assertTrue(budget.admit(PEER, ids(0, 1), random).isEmpty());
  }

  @Test
  void atMostMaxIHaveLengthIdsAreAskedPerPeerPerHeartbeat() {
    IHaveBudget budget = new IHaveBudget(10, 100);
    Random random = new Random(1);
    List<MessageId> first = budget.admit(PEER, ids(0, 60), random);
    List<MessageId> second = budget.admit(PEER, ids(60, 60), random);
    assertEquals(60, first.size());
    assertEquals(40, second.size());
    assertTrue(ids(60, 60).containsAll(second));
    assertTrue(budget.admit(PEER, ids(120, 5), random).isEmpty());
    assertEquals(20 + 5, budget.ignoredIds());
    budget.heartbeat();
    assertEquals(100, budget.admit(PEER, ids(0, 500), random).size());
  }

  @Test
  void theAskedSubsetIsRandomNotTheAdvertisersChoice() {
    IHaveBudget a = new IHaveBudget(10, 10);
    IHaveBudget b = new IHaveBudget(10, 10);
    List<MessageId> askedA = a.admit(PEER, ids(0, 1_000), new Random(1));
    List<MessageId> askedB = b.admit(PEER, ids(0, 1_000), new Random(2));
    assertEquals(10, new HashSet<>(askedA).size());
    assertTrue(!askedA.equals(ids(0, 10)) && !askedA.equals(askedB));
  }

  @Test
  void repeatedIdsInOneIHaveAreAskedOnce() {
    IHaveBudget budget = new IHaveBudget(10, 100);
    List<MessageId> repeated = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      repeated.addAll(ids(0, 2));
    }
    assertEquals(ids(0, 2), budget.admit(PEER, repeated, new Random(1)));
  }
}
