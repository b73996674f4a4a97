package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;

class PromiseTrackerTest {
  private static final NodeId HONEST = PubSubTestData.peer(1);
  private static final NodeId LIAR = PubSubTestData.peer(2);
  private static final byte[] ORIGIN = PubSubTestData.keypair(1).publicKey();

  private static MessageId id(long seqno) {
    return MessageId.of(ORIGIN, seqno);
  }

  @Test
  void defaultFollowupIsThreeSeconds() {
    assertEquals(3_000, PromiseTracker.DEFAULT_FOLLOWUP_MILLIS);
  }

  @Test
  void aPeerWhoseMessageDidNotArriveInTimeIsFlagged() {
    PromiseTracker promises = new PromiseTracker(3_000);
    Random random = new Random(1);
    promises.promise(HONEST, List.of(id(1)), 0, random);
    promises.promise(LIAR, List.of(id(2)), 0, random);
    promises.delivered(id(1));
    assertTrue(promises.expired(2_999).isEmpty(), "nothing is due before the deadline");
    assertEquals(Map.of(LIAR, 1), promises.expired(3_000));
    assertEquals(1, promises.brokenPromises(LIAR));
    assertEquals(0, promises.brokenPromises(HONEST));
    assertTrue(promises.expired(10_000).isEmpty(), "a broken promise is reported once");
    assertEquals(0, promises.openPromises());
  }

  @Test
  void aMessageDeliveredByAnyoneKeepsEveryPromiseForIt() {
    PromiseTracker promises = new PromiseTracker(3_000);
    Random random = new Random(1);
    promises.promise(HONEST, List.of(id(1)), 0, random);
    promises.promise(LIAR, List.of(id(1)), 100, random);
    promises.delivered(id(1));
    assertTrue(promises.expired(5_000).isEmpty());
  }

  @Test
  void oneIWantMakesOnePromiseOnOneOfItsIds() {
    PromiseTracker promises = new PromiseTracker(3_000);
    promises.promise(LIAR, List.of(id(1), id(2), id(3), id(4)), 0, new Random(7));
    assertEquals(1, promises.openPromises());
    assertEquals(Map.of(LIAR, 1), promises.expired(3_000));
  }

  @Test
  void theRandomlyChosenIdMustBeDeliveredToKeepThePromise() {
    // Delivering every id but one still breaks the promise for some random choices: the peer cannot know which.
    int broken = 0;
    Random random = new Random(3);
    for (int round = 0; round < 40; round++) {
      PromiseTracker promises = new PromiseTracker(3_000);
      promises.promise(LIAR, List.of(id(1), id(2), id(3), id(4)), 0, random);
      promises.delivered(id(1));
      promises.delivered(id(2));
      promises.delivered(id(3));
      broken += promises.expired(3_000).getOrDefault(LIAR, 0);
    }
    assertTrue(broken > 0 && broken < 40, "broken " + broken + " of 40");
  }

  @Test
  void brokenPromisesAccumulatePerPeer() {
    PromiseTracker promises = new PromiseTracker(1_000);
    Random random = new Random(1);
    for (int heartbeat = 0; heartbeat < 5; heartbeat++) {
      promises.promise(LIAR, List.of(id(heartbeat)), heartbeat * 1_000L, random);
      promises.promise(HONEST, List.of(id(100 + heartbeat)), heartbeat * 1_000L, random);
      promises.delivered(id(100 + heartbeat));
    }
    promises.expired(10_000);
    assertEquals(5, promises.brokenPromises(LIAR));
    assertEquals(0, promises.brokenPromises(HONEST));
  }

  @Test
  void aRepeatedPromiseKeepsItsEarlierDeadline() {
    PromiseTracker promises = new PromiseTracker(3_000);
    Random random = new Random(1);
    promises.promise(LIAR, List.of(id(1)), 0, random);
    promises.promise(LIAR, List.of(id(1)), 2_000, random);
    assertEquals(Map.of(LIAR, 1), promises.expired(3_000));
    assertTrue(promises.expired(5_000).isEmpty());
  }

  @Test
  void forgettingAPeerDropsItsPromisesAndCount() {
    PromiseTracker promises = new PromiseTracker(3_000);
    Random random = new Random(1);
    promises.promise(LIAR, List.of(id(1)), 0, random);
    promises.expired(3_000);
    promises.promise(LIAR, List.of(id(2)), 3_000, random);
    promises.forgetPeer(LIAR);
    assertEquals(0, promises.brokenPromises(LIAR));
    assertEquals(0, promises.openPromises());
    assertTrue(promises.expired(10_000).isEmpty());
  }
}
