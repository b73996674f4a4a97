package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicmesh.pubsub.Peers.id;

import org.junit.jupiter.api.Test;

class AnnouncementLagTest {
  private static MessageId message(int n) {
    byte[] bytes = new byte[MessageId.BYTES];
    bytes[0] = (byte) n;
    bytes[1] = (byte) (n >> 8);
    return MessageId.fromBytes(bytes);
  }

  @Test
  void noWaitUntilACopyTrailedAnAnnouncement() {
    AnnouncementLag lag = new AnnouncementLag(60_000);
    assertEquals(0, lag.waitMillis());
    lag.announced(message(1), 1_000);
    assertEquals(0, lag.waitMillis());
    lag.received(message(1), id(1), 1_100);
    assertEquals(100 + 4 * 50, lag.waitMillis(), "first sample: the lag and half of it as deviation, as RFC 6298");
  }

  @Test
  void theWaitFollowsAGrowingBacklogAndComesBackWhenItDrains() {
    AnnouncementLag lag = new AnnouncementLag(60_000);
    int n = 0;
    for (; n < 50; n++) { // copies trail announcements by 10 s
      lag.announced(message(n), n * 10L);
      lag.received(message(n), id(1), n * 10L + 10_000);
    }
    assertTrue(lag.waitMillis() >= 9_000, "waits about as long as the backlog: " + lag.waitMillis());
    for (; n < 150; n++) { // drained: copies 20 ms behind
      lag.announced(message(n), 1_000_000 + n * 10L);
      lag.received(message(n), id(1), 1_000_000 + n * 10L + 20);
    }
    assertTrue(lag.waitMillis() < 100, "back to the short lag: " + lag.waitMillis());
    assertEquals(150, lag.samples());
  }

  @Test
  void theAnswerToOurOwnAskIsNoSampleButAnotherPeersCopyIs() {
    AnnouncementLag lag = new AnnouncementLag(60_000);
    lag.announced(message(1), 0);
    lag.asked(message(1), id(2));
    lag.received(message(1), id(2), 5_000); // id(2)'s answer: its lag is our own wait
    assertEquals(0, lag.samples());
    assertEquals(0, lag.waitMillis());

    lag.announced(message(2), 0);
    lag.asked(message(2), id(2));
    lag.received(message(2), id(3), 4_000); // a push that was on its way: we asked too early
    assertEquals(1, lag.samples());
    assertEquals(4_000 + 4 * 2_000, lag.waitMillis());
  }

  @Test
  void theWaitIsCappedAndOnlyTheFirstAnnouncementCounts() {
    AnnouncementLag lag = new AnnouncementLag(1_000);
    lag.announced(message(1), 0);
    lag.announced(message(1), 4_000);
    lag.received(message(1), id(1), 5_000);
    assertEquals(1_000, lag.waitMillis(), "5 s measured from the first announcement, capped at 1 s");
  }

  @Test
  void messagesThatNeverCameAreForgottenAndTrackingIsBounded() {
    AnnouncementLag lag = new AnnouncementLag(60_000);
    lag.announced(message(1), 100);
    lag.announced(message(2), 200);
    lag.expire(150);
    assertEquals(1, lag.tracked());
    lag.received(message(1), id(1), 10_000);
    assertEquals(0, lag.samples(), "expired: its copy is no sample");

    for (int n = 0; n < AnnouncementLag.MAX_TRACKED + 10; n++) {
      lag.announced(message(1_000 + n), 300 + n);
    }
    assertEquals(AnnouncementLag.MAX_TRACKED, lag.tracked());
  }
}
