package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicmesh.pubsub.OutboundQueue.Offer;
import org.quicmesh.wire.GossipMessage;
import org.quicmesh.wire.Graft;
import org.quicmesh.wire.IHave;
import org.quicmesh.wire.Prune;
import org.quicmesh.wire.Publish;

class OutboundQueueTest {
  private static final Publish DATA = PubSubTestData.sized("t", 1, 1_000);

  @Test
  void defaultBoundIsFourMebibytes() {
    assertEquals(4L * 1024 * 1024, OutboundQueue.DEFAULT_MAX_BYTES);
  }

  @Test
  void publishesBeyondTheByteBoundOverflowAndAreNotQueued() {
    OutboundQueue queue = new OutboundQueue(10_000, 0);
    for (int i = 0; i < 10; i++) {
      assertEquals(Offer.ACCEPTED, queue.offer(DATA, 1_000));
    }
    assertEquals(Offer.OVERFLOW, queue.offer(DATA, 1));
    assertEquals(10_000, queue.bytes());
    assertEquals(10, queue.size());
    assertEquals(1, queue.overflows());
  }

  @Test
  void aSingleMessageLargerThanTheBoundIsRefused() {
    OutboundQueue queue = new OutboundQueue(10_000, 0);
    assertEquals(Offer.OVERFLOW, queue.offer(DATA, 10_001));
    assertTrue(queue.isEmpty());
    assertEquals(0, queue.bytes());
  }

  @Test
  void memoryStaysBoundedWhileAPeerNeverReads() {
    // 100,000 publishes of 1 KB to a peer that reads nothing: the queue never holds more than its bound.
    OutboundQueue queue = new OutboundQueue(OutboundQueue.DEFAULT_MAX_BYTES, 0);
    int accepted = 0;
    for (int i = 0; i < 100_000; i++) {
      if (queue.offer(DATA, 1_000) == Offer.ACCEPTED) {
        accepted++;
      }
      assertTrue(queue.bytes() <= OutboundQueue.DEFAULT_MAX_BYTES);
    }
    assertEquals(4_194, accepted);
    assertEquals(100_000 - 4_194, queue.overflows());
  }

  @Test
  void pollingFreesRoomAgain() {
    OutboundQueue queue = new OutboundQueue(2_000, 0);
    queue.offer(DATA, 1_000);
    queue.offer(DATA, 1_000);
    assertEquals(Offer.OVERFLOW, queue.offer(DATA, 1_000));
    assertSame(DATA, queue.poll());
    assertEquals(1_000, queue.bytes());
    assertEquals(Offer.ACCEPTED, queue.offer(DATA, 1_000));
  }

  @Test
  void controlMessagesOvertakeQueuedPublishesInFifoOrder() {
    OutboundQueue queue = new OutboundQueue(100_000, 0);
    Publish p1 = PubSubTestData.sized("t", 1, 10);
    Publish p2 = PubSubTestData.sized("t", 2, 10);
    Graft graft = new Graft("t");
    IHave ihave = new IHave("t", List.of(new byte[40]));
    queue.offer(p1, 100);
    queue.offer(graft, 10);
    queue.offer(p2, 100);
    queue.offer(ihave, 50);
    List<GossipMessage> order = List.of(queue.poll(), queue.poll(), queue.poll(), queue.poll());
    assertEquals(List.of(graft, ihave, p1, p2), order);
    assertNull(queue.poll());
    assertEquals(0, queue.bytes());
  }

  @Test
  void aPruneStillFitsWhenPublishesFilledTheQueue() {
    OutboundQueue queue = new OutboundQueue(10_000, 1_000);
    while (queue.offer(DATA, 1_000) == Offer.ACCEPTED) {
      // fill with data
    }
    Prune prune = new Prune("t", List.of(), 60_000);
    assertEquals(Offer.ACCEPTED, queue.offer(prune, 100));
    assertSame(prune, queue.poll());
    assertTrue(queue.bytes() <= 10_000 + 1_000);
    // the headroom is bounded too
    OutboundQueue full = new OutboundQueue(10_000, 1_000);
    full.offer(DATA, 10_000);
    assertEquals(Offer.OVERFLOW, full.offer(prune, 1_001));
  }

  @Test
  void clearDropsEverythingAndReportsTheBytesFreed() {
    OutboundQueue queue = new OutboundQueue(10_000, 0);
    queue.offer(DATA, 1_000);
    queue.offer(new Graft("t"), 10);
    assertEquals(1_010, queue.clear());
    assertTrue(queue.isEmpty());
    assertEquals(0, queue.bytes());
  }

  @Test
  void negativeSizesAreRefused() {
    OutboundQueue queue = new OutboundQueue();
    assertThrows(IllegalArgumentException.class, () -> queue.offer(DATA, -1));
  }
}
