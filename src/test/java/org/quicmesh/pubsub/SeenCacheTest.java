package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeenCacheTest {
  private static final byte[] ORIGIN = PubSubTestData.keypair(1).publicKey();

  private static MessageId id(long seqno) {
    return MessageId.of(ORIGIN, seqno);
  }

  @Test
  void defaultsAreTenThousandEntriesAndTwoMinutes() {
    assertEquals(10_000, SeenCache.DEFAULT_MAX_ENTRIES);
    assertEquals(120_000, SeenCache.DEFAULT_TTL_MILLIS);
  }

  @Test
  void aDuplicateWithinTheTtlIsNotFirstSeen() {
    SeenCache seen = new SeenCache();
    assertTrue(seen.firstSeen(id(1), 1_000));
    assertFalse(seen.firstSeen(id(1), 1_000));
    assertFalse(seen.firstSeen(id(1), 1_000 + 119_999));
    assertTrue(seen.firstSeen(id(2), 1_000));
  }

  @Test
  void anIdIsReadmittedAfterItsTtl() {
    SeenCache seen = new SeenCache(100, 120_000);
    assertTrue(seen.firstSeen(id(1), 0));
    assertTrue(seen.firstSeen(id(1), 120_000));
    assertFalse(seen.firstSeen(id(1), 120_001));
  }

  @Test
  void laterSightingsDoNotExtendTheTtl() {
    SeenCache seen = new SeenCache(100, 1_000);
    seen.firstSeen(id(1), 0);
    assertFalse(seen.firstSeen(id(1), 900));
    assertFalse(seen.firstSeen(id(1), 999));
    assertTrue(seen.firstSeen(id(1), 1_000), "the TTL runs from the first sighting at 0, not the one at 900");
  }

  @Test
  void containsDoesNotRecordASighting() {
    SeenCache seen = new SeenCache();
    assertFalse(seen.contains(id(1), 0));
    assertTrue(seen.firstSeen(id(1), 0));
    assertTrue(seen.contains(id(1), 1));
  }

  @Test
  void sizeIsBoundedAndTheOldestIsEvicted() {
    SeenCache seen = new SeenCache(10_000, 120_000);
    for (int i = 0; i < 25_000; i++) {
      assertTrue(seen.firstSeen(id(i), 1_000));
    }
    assertEquals(10_000, seen.size());
    assertEquals(15_000, seen.evictedBeforeExpiry());
    assertTrue(seen.contains(id(24_999), 1_000));
    assertTrue(seen.contains(id(15_000), 1_000));
    assertFalse(seen.contains(id(14_999), 1_000));
  }

  @Test
  void expiredEntriesAreReleased() {
    SeenCache seen = new SeenCache(10_000, 1_000);
    for (int i = 0; i < 5_000; i++) {
      seen.firstSeen(id(i), i / 10);
    }
    seen.firstSeen(id(-1), 1_200);
    assertEquals(1 + 5_000 - 2_010, seen.size()); // ids seen at 0..200 ms expired (1200 - t >= 1000)
    assertEquals(0, seen.evictedBeforeExpiry());
  }

  @Test
  void aMillionSightingsNeverGrowItPastItsBound() {
    SeenCache seen = new SeenCache();
    for (int i = 0; i < 1_000_000; i++) {
      seen.firstSeen(id(i), i / 100);
      if (i % 10_000 == 0) {
        assertTrue(seen.size() <= 10_000);
      }
    }
    assertTrue(seen.size() <= 10_000);
  }
}
