package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicmesh.dht.DhtTestIds.numbered;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicmesh.wire.Contact;

class KBucketTest {
  private static final long PROBE_EXPIRY = 30_000;

  private static KBucket bucket(int k, int cache) {
    return new KBucket(k, cache, 3, PROBE_EXPIRY);
  }

  /** Fills a bucket with contacts 1..k seen at times 1..k. */
  private static KBucket full(int k, int cache) {
    KBucket b = bucket(k, cache);
    for (int i = 1; i <= k; i++) {
      b.observe(numbered(i), i);
    }
    return b;
  }

  @Test
  void contactsAreKeptLeastRecentlySeenFirst() {
    KBucket b = full(3, 4);
    assertEquals(List.of(numbered(1), numbered(2), numbered(3)), b.contacts());
    assertInstanceOf(ObserveResult.Refreshed.class, b.observe(numbered(1), 10));
    assertEquals(List.of(numbered(2), numbered(3), numbered(1)), b.contacts());
  }

  @Test
  void bucketNeverHoldsMoreThanK() {
    KBucket b = full(4, 2);
    for (int i = 5; i < 50; i++) {
      b.observe(numbered(i), i);
    }
    assertEquals(4, b.size());
    assertEquals(List.of(numbered(1), numbered(2), numbered(3), numbered(4)), b.contacts());
  }

  @Test
  void refreshedContactTakesItsNewAddress() {
    KBucket b = full(2, 2);
    Contact moved = new Contact(numbered(1).id(), "192.0.2.7:4000");
    b.observe(moved, 10);
    assertEquals("192.0.2.7:4000", b.find(moved.id()).orElseThrow().contact().address());
  }

  @Test
  void fullBucketAsksToPingTheLeastRecentlySeenBeforeEvicting() {
    KBucket b = full(3, 4);
    ObserveResult r = b.observe(numbered(9), 10);
    assertEquals(new ObserveResult.PingBeforeEvict(numbered(1), numbered(9)), r);
    assertEquals(Optional.of(numbered(1)), b.pendingProbe());
    assertEquals(List.of(numbered(9)), b.replacements());
    assertFalse(b.contains(numbered(9).id()));
  }

  @Test
  void answeredProbeKeepsTheOldContactAndParksTheNewcomer() {
    KBucket b = full(3, 4);
    b.observe(numbered(9), 10);
    assertTrue(b.probeAnswered(numbered(1).id(), 11));
    assertEquals(List.of(numbered(2), numbered(3), numbered(1)), b.contacts());
    assertEquals(List.of(numbered(9)), b.replacements());
    assertEquals(Optional.empty(), b.pendingProbe());
  }

  @Test
  void failedProbeReplacesTheContactWithTheNewestCacheEntry() {
    KBucket b = full(3, 4);
    b.observe(numbered(8), 10); // probe 1
    b.observe(numbered(9), 11); // parked behind the pending probe
    assertTrue(b.probeFailed(numbered(1).id()));
    assertFalse(b.contains(numbered(1).id()));
    assertTrue(b.contains(numbered(9).id()), "newest cache entry takes the slot");
    assertEquals(List.of(numbered(8)), b.replacements());
    assertEquals(3, b.size());
  }

  @Test
  void noSecondProbeWhileOneIsPending() {
    KBucket b = full(3, 4);
    assertInstanceOf(ObserveResult.PingBeforeEvict.class, b.observe(numbered(8), 10));
    ObserveResult second = b.observe(numbered(9), 11);
    assertEquals(new ObserveResult.Parked(numbered(9), numbered(1)), second);
    assertEquals(List.of(numbered(9), numbered(8)), b.replacements());
  }

  @Test
  void aNewProbeIsAllowedOnceThePreviousOneIsResolved() {
    KBucket b = full(3, 4);
    b.observe(numbered(8), 10);
    b.probeAnswered(numbered(1).id(), 11);
    assertEquals(new ObserveResult.PingBeforeEvict(numbered(2), numbered(9)), b.observe(numbered(9), 12));
  }

  @Test
  void aProbeWhoseOutcomeWasNeverReportedStopsBlockingAfterExpiry() {
    KBucket b = full(3, 4);
    b.observe(numbered(8), 10);
    assertInstanceOf(ObserveResult.Parked.class, b.observe(numbered(9), 10 + PROBE_EXPIRY - 1));
    assertInstanceOf(ObserveResult.PingBeforeEvict.class, b.observe(numbered(10), 10 + PROBE_EXPIRY));
  }

  @Test
  void replacementCacheIsBoundedAndNewestFirst() {
    KBucket b = full(2, 3);
    for (int i = 10; i < 20; i++) {
      b.observe(numbered(i), i);
    }
    assertEquals(List.of(numbered(19), numbered(18), numbered(17)), b.replacements());
  }

  @Test
  void reObservedCacheEntryBecomesNewest() {
    KBucket b = full(2, 3);
    b.observe(numbered(10), 10);
    b.observe(numbered(11), 11);
    b.observe(numbered(10), 12);
    assertEquals(List.of(numbered(10), numbered(11)), b.replacements());
  }

  @Test
  void repeatedRpcFailuresDropTheContactAndRefillFromTheCache() {
    KBucket b = full(2, 3);
    b.observe(numbered(10), 10);
    assertFalse(b.markFailed(numbered(2).id()));
    assertFalse(b.markFailed(numbered(2).id()));
    assertEquals(2, b.find(numbered(2).id()).orElseThrow().failures());
    assertTrue(b.markFailed(numbered(2).id()));
    assertEquals(List.of(numbered(1), numbered(10)), b.contacts());
  }

  @Test
  void withoutAReplacementAFailingContactStaysUntilOneTurnsUp() {
    KBucket b = full(2, 3);
    for (int i = 0; i < 5; i++) {
      assertFalse(b.markFailed(numbered(2).id()), "nothing to replace it with: a timeout burst must not flush it");
    }
    assertTrue(b.contains(numbered(2).id()));
    assertEquals(5, b.find(numbered(2).id()).orElseThrow().failures());
    b.observe(numbered(10), 10); // a replacement waits in the cache now
    assertTrue(b.markFailed(numbered(2).id()));
    assertEquals(List.of(numbered(1), numbered(10)), b.contacts());
  }

  @Test
  void anAnswerResetsTheFailureCount() {
    KBucket b = full(2, 3);
    b.markFailed(numbered(2).id());
    b.markFailed(numbered(2).id());
    b.observe(numbered(2), 10);
    assertFalse(b.markFailed(numbered(2).id()));
    assertTrue(b.contains(numbered(2).id()));
  }

  @Test
  void removeFreesTheSlotForTheNewestCacheEntry() {
    KBucket b = full(2, 3);
    b.observe(numbered(10), 10);
    assertTrue(b.remove(numbered(1).id()));
    assertEquals(List.of(numbered(2), numbered(10)), b.contacts());
  }

  @Test
  void shrinkingKKeepsTheLongestLivedContacts() {
    KBucket b = full(5, 8); // first seen at 1..5
    // Recent activity reorders by last seen; first-seen (age) is what shrinking protects.
    for (int i = 1; i <= 5; i++) {
      b.observe(numbered(i), 100 - i);
    }
    b.setCapacity(2);
    assertEquals(2, b.size());
    assertTrue(b.contains(numbered(1).id()));
    assertTrue(b.contains(numbered(2).id()));
    assertTrue(b.replacements().containsAll(List.of(numbered(3), numbered(4), numbered(5))));
  }

  @Test
  void shrinkingKEvictsFailingContactsBeforeHealthyOnes() {
    KBucket b = full(3, 8);
    b.markFailed(numbered(1).id()); // oldest but failing
    b.setCapacity(2);
    assertEquals(List.of(numbered(2), numbered(3)), b.contacts());
  }

  @Test
  void growingKRefillsFromTheReplacementCache() {
    KBucket b = full(2, 4);
    b.observe(numbered(10), 10);
    b.observe(numbered(11), 11);
    b.setCapacity(4);
    assertEquals(4, b.size());
    assertTrue(b.contains(numbered(10).id()));
    assertTrue(b.contains(numbered(11).id()));
    assertTrue(b.replacements().isEmpty());
  }
}
