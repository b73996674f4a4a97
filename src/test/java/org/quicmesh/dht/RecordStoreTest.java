package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Rejected.Reason;
import org.junit.jupiter.api.Test;

class RecordStoreTest {
  private static final long T0 = 1_000_000_000L;
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  /** One token refills every 3 s at 20 stores per minute. */
  private static final long TOKEN = 3_000;

  private final Random random = new Random(42);
  private final NodeId alice = peer();
  private final NodeId bob = peer();

  private NodeId peer() {
    byte[] id = new byte[32];
    random.nextBytes(id);
    return NodeId.of(id);
  }

  private byte[] value(int size) {
    byte[] v = new byte[size];
    random.nextBytes(v);
    return v;
  }

  private static byte[] keyOf(byte[] value) {
    return Key.forContent(value).bytes();
  }

  private static StoreResult put(RecordStore s, NodeId peer, byte[] value, long now) {
    return s.store(peer, keyOf(value), value, 24 * HOUR, now);
  }

  private static void assertStored(StoreResult r) {
    assertInstanceOf(StoreResult.Stored.class, r, () -> "expected Stored, got " + r);
  }

  private static void assertRejected(Reason reason, StoreResult r) {
    StoreResult.Rejected rej = assertInstanceOf(StoreResult.Rejected.class, r, () -> "expected Rejected, got " + r);
    assertEquals(reason, rej.reason());
  }

  private static boolean holds(RecordStore s, byte[] value, long now) {
    return s.get(Key.forContent(value), now).isPresent();
  }

  @Test
  void defaultsComeFromReferenceConf() {
    StoreSettings d = StoreSettings.defaults();
    assertEquals(24 * HOUR, d.valueTtl().toMillis());
    assertEquals(65_536, d.maxValueBytes());
    assertEquals(100_000, d.maxEntries());
    assertEquals(MINUTE, d.expirySweepInterval().toMillis());
    assertEquals(1_048_576, d.perPeerMaxBytes());
    assertEquals(100, d.perPeerMaxEntries());
    assertEquals(20, d.perPeerStoresPerMinute());
    assertEquals(0.75, d.pressureThreshold());
    assertEquals(64L << 20, d.maxStoreBytes());
    assertEquals(500.0, d.maxStoreRequestsPerSecond());
  }

  @Test
  void valueOverSixtyFourKibIsRejectedAsTooLargeWithoutAffectingOthers() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    byte[] big = value(65_537);
    assertRejected(Reason.VALUE_TOO_LARGE, put(s, alice, big, T0));
    byte[] max = value(65_536);
    assertStored(put(s, bob, max, T0));
    assertFalse(holds(s, big, T0));
    assertTrue(holds(s, max, T0));
    assertEquals(1L, s.rejections().get("VALUE_TOO_LARGE"));
  }

  @Test
  void keyThatIsNotTheHashOfTheValueIsRejectedAsMismatch() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    byte[] v = value(100);
    byte[] wrongKey = keyOf(value(100));
    assertRejected(Reason.KEY_MISMATCH, s.store(alice, wrongKey, v, HOUR, T0));
    assertRejected(Reason.KEY_MISMATCH, s.store(alice, new byte[5], v, HOUR, T0));
    assertFalse(s.get(Key.of(wrongKey), T0).isPresent());
    assertEquals(0, s.usageOf(alice).entries());
    byte[] good = value(100);
    assertStored(put(s, bob, good, T0));
    assertEquals(2L, s.rejections().get("KEY_MISMATCH"));
  }

  @Test
  void differentValueUnderAnAlreadyHeldKeyIsRejectedAsMismatch() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    byte[] v = value(100);
    assertStored(put(s, bob, v, T0));
    assertRejected(Reason.KEY_MISMATCH, s.store(alice, keyOf(v), value(100), HOUR, T0));
    assertArrayEquals(v, s.get(Key.forContent(v), T0).orElseThrow());
  }

  @Test
  void moreThanOneHundredEntriesPerPeerExceedsTheQuota() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    long now = T0;
    for (int i = 0; i < 100; i++) {
      now += TOKEN;
      assertStored(put(s, alice, value(10), now));
    }
    assertRejected(Reason.QUOTA_EXCEEDED, put(s, alice, value(10), now + TOKEN));
    assertStored(put(s, bob, value(10), now + TOKEN));
    assertEquals(100, s.usageOf(alice).entries());
    assertEquals(1L, s.rejections().get("QUOTA_EXCEEDED"));
  }

  @Test
  void moreThanOneMebibytePerPeerExceedsTheQuota() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    for (int i = 0; i < 16; i++) {
      assertStored(put(s, alice, value(65_536), T0));
    }
    assertEquals(1_048_576, s.usageOf(alice).bytes());
    assertRejected(Reason.QUOTA_EXCEEDED, put(s, alice, value(1), T0));
    assertStored(put(s, bob, value(65_536), T0));
    assertEquals(1L, s.rejections().get("QUOTA_EXCEEDED"));
  }

  @Test
  void moreThanTwentyStoresPerMinuteArePerPeerRateLimitedWithContinuousRefill() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    for (int i = 0; i < 20; i++) {
      assertStored(put(s, alice, value(10), T0));
    }
    assertRejected(Reason.RATE_LIMITED, put(s, alice, value(10), T0));
    assertRejected(Reason.RATE_LIMITED, put(s, alice, value(10), T0 + TOKEN - 1));
    assertStored(put(s, bob, value(10), T0));
    assertStored(put(s, alice, value(10), T0 + TOKEN));
    assertEquals(2L, s.rejections().get("RATE_LIMITED"));
  }

  @Test
  void storesAboveTheGlobalRequestRateBudgetAreOverloadedWhileReadsAreServed() {
    RecordStore s = new RecordStore(StoreSettings.defaults().withMaxStoreRequestsPerSecond(1), T0);
    byte[] first = value(10);
    assertStored(put(s, alice, first, T0));
    // 10 s moving average: the 11th store within an instant reads as 1.1 stores/s, and so do all after it.
    int overloaded = 0;
    for (int i = 0; i < 20; i++) {
      if (put(s, peer(), value(10), T0) instanceof StoreResult.Rejected r) {
        assertEquals(Reason.OVERLOADED, r.reason());
        overloaded++;
      }
    }
    assertEquals(11, overloaded);
    assertTrue(holds(s, first, T0));
    assertEquals(11L, s.rejections().get("OVERLOADED"));
    // The rate decays: a minute later stores are accepted again.
    assertStored(put(s, bob, value(10), T0 + MINUTE));
  }

  @Test
  void expiredEntriesAreNotReturned() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    byte[] v = value(100);
    assertStored(s.store(alice, keyOf(v), v, 10_000, T0));
    assertTrue(holds(s, v, T0 + 9_999));
    assertFalse(holds(s, v, T0 + 10_000));
  }

  @Test
  void ttlIsCappedAtTheConfiguredValueTtl() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    byte[] v = value(100);
    StoreResult.Stored r = (StoreResult.Stored) s.store(alice, keyOf(v), v, 7 * 24 * HOUR, T0);
    assertEquals(T0 + 24 * HOUR, r.expiresAtMillis());
  }

  @Test
  void sweepRemovesExpiredEntriesAndReleasesTheirPeersQuota() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    long now = T0;
    for (int i = 0; i < 100; i++) {
      now += TOKEN;
      assertStored(put(s, alice, value(1000), now));
    }
    assertEquals(100, s.usageOf(alice).entries());
    long later = now + 24 * HOUR + 1;
    assertEquals(100, s.sweep(later));
    assertEquals(0, s.size());
    assertEquals(0, s.storedBytes());
    assertEquals(new RecordStore.PeerUsage(0, 0), s.usageOf(alice));
    assertStored(put(s, alice, value(1000), later));
  }

  @Test
  void reStoringTheSameValueRefreshesTtlWithoutChargingTheQuotaTwice() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    byte[] v = value(500);
    assertStored(s.store(alice, keyOf(v), v, 10_000, T0));
    StoreResult.Stored again = (StoreResult.Stored) s.store(alice, keyOf(v), v, 10_000, T0 + 8_000);
    assertTrue(again.refreshed());
    assertEquals(T0 + 18_000, again.expiresAtMillis());
    assertEquals(new RecordStore.PeerUsage(1, 500), s.usageOf(alice));
    assertTrue(holds(s, v, T0 + 15_000));
    assertFalse(holds(s, v, T0 + 18_000));
  }

  @Test
  void atCapacityTheLeastRecentlyUsedEntryIsEvicted() {
    RecordStore s = new RecordStore(StoreSettings.defaults().withMaxEntries(3), T0);
    byte[] a = value(10);
    byte[] b = value(10);
    byte[] c = value(10);
    byte[] d = value(10);
    assertStored(put(s, alice, a, T0));
    assertStored(put(s, alice, b, T0 + 1));
    assertStored(put(s, bob, c, T0 + 2));
    assertTrue(holds(s, a, T0 + 3));
    assertStored(put(s, bob, d, T0 + 4));
    assertEquals(3, s.size());
    assertFalse(holds(s, b, T0 + 5));
    assertTrue(holds(s, a, T0 + 5));
    assertTrue(holds(s, c, T0 + 5));
    assertTrue(holds(s, d, T0 + 5));
    assertEquals(1, s.usageOf(alice).entries());
    assertEquals(1L, s.counters().get("evicted.lru"));
  }

  @Test
  void floodAtTenTimesTheRateLimitNeverEmptiesTheStoreAndLegitimateEntriesSurvive() {
    // 2 MiB memory budget; 10 flooding peers each fill their 100-entry quota with 4 KiB values (4 MiB in all).
    RecordStore s = new RecordStore(StoreSettings.defaults().withMaxStoreBytes(2L << 20), T0);
    List<NodeId> flooders = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      flooders.add(peer());
    }
    List<NodeId> legit = List.of(alice, bob, peer());
    List<byte[]> legitValues = new ArrayList<>();
    // A flooding peer repeats its current value until one is accepted, then moves on (keeps the test's hashing cheap).
    byte[][] floodValues = new byte[flooders.size()][];
    byte[][] floodKeys = new byte[flooders.size()][];
    long floodRejected = 0;
    long step = 300; // 200 stores per minute per flooding peer: 10x the limit
    long end = T0 + 15 * MINUTE;
    long nextSweep = T0 + MINUTE;
    for (long now = T0; now < end; now += step) {
      for (int i = 0; i < flooders.size(); i++) {
        if (floodValues[i] == null) {
          floodValues[i] = value(4096);
          floodKeys[i] = keyOf(floodValues[i]);
        }
        if (s.store(flooders.get(i), floodKeys[i], floodValues[i], 24 * HOUR, now)
            instanceof StoreResult.Rejected) {
          floodRejected++;
        } else {
          floodValues[i] = null;
        }
      }
      if ((now - T0) % (10 * TOKEN) == 0) { // each legitimate peer stores every 30 s and reads all it stored
        for (NodeId p : legit) {
          byte[] v = value(1024);
          assertStored(put(s, p, v, now));
          legitValues.add(v);
        }
        for (byte[] v : legitValues) {
          assertTrue(holds(s, v, now), "a legitimate entry was evicted");
        }
      }
      if (now >= nextSweep) {
        s.sweep(now);
        nextSweep += MINUTE;
      }
      assertTrue(s.size() > 0);
      assertTrue(s.storedBytes() <= (2L << 20));
    }
    assertTrue(s.counters().get("evicted.pressure") > 0, "pressure eviction ran");
    assertTrue(floodRejected > 0.85 * 10 * (15 * MINUTE / step));
    assertTrue(s.size() > 300, "the store kept most of its budget in use: " + s.size());
    assertEquals(0L, s.rejections().get("OVERLOADED"));
  }

  @Test
  void ratePressureEvictsAtMostOnePercentPerSweepLeastPopularFirst() {
    RecordStore s = new RecordStore(StoreSettings.defaults().withMaxStoreRequestsPerSecond(30), T0);
    List<byte[]> popular = new ArrayList<>();
    // 300 distinct peers each within their own limit: 300 stores in 3.3 s read as ~26 stores/s (budget 30).
    long now = T0;
    for (int i = 0; i < 300; i++) {
      byte[] v = value(100);
      assertStored(put(s, peer(), v, now));
      if (i % 10 == 0) {
        popular.add(v);
      }
      now += 11;
    }
    for (byte[] v : popular) {
      assertTrue(holds(s, v, now));
    }
    assertTrue(s.pressure(now) > 0.75, "pressure " + s.pressure(now));
    assertEquals(3, s.sweep(now));
    assertEquals(297, s.size());
    for (byte[] v : popular) {
      assertTrue(holds(s, v, now));
    }
  }

  @Test
  void ownOriginalsAreServedAndDueForRepublishBeforeTheyExpire() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    byte[] v = value(200);
    Key key = s.putLocal(v, 24 * HOUR, T0);
    assertArrayEquals(v, s.get(key, T0).orElseThrow());
    assertTrue(s.dueForRepublish(T0 + HOUR - 1, HOUR).isEmpty());
    List<RecordStore.Republish> due = s.dueForRepublish(T0 + HOUR, HOUR);
    assertEquals(1, due.size());
    assertEquals(key, due.get(0).key());
    assertArrayEquals(v, due.get(0).value());
    assertEquals(24 * HOUR, due.get(0).ttlMillis());
    assertTrue(s.dueForRepublish(T0 + HOUR + 1, HOUR).isEmpty());
  }

  @Test
  void republishIntervalLongerThanHalfTheTtlIsShortenedToHalfTheTtl() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    s.putLocal(value(200), 24 * HOUR, T0);
    assertTrue(s.dueForRepublish(T0 + 12 * HOUR - 1, 48 * HOUR).isEmpty());
    assertEquals(1, s.dueForRepublish(T0 + 12 * HOUR, 48 * HOUR).size());
    assertTrue(s.removeLocal(Key.forContent(new byte[0])) == false);
  }

  @Test
  void heldValuesAreDueForRepublishUnlessAStoreRefreshedThemWithinTheInterval() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    byte[] quiet = value(10);
    byte[] refreshed = value(10);
    assertStored(put(s, alice, quiet, T0));
    assertStored(put(s, alice, refreshed, T0));
    assertEquals(List.of(), s.heldDueForRepublish(T0 + HOUR - 1, HOUR, 10), "not yet an interval old");
    assertStored(put(s, bob, refreshed, T0 + 30 * MINUTE)); // another holder republished it to us
    List<RecordStore.Republish> due = s.heldDueForRepublish(T0 + HOUR, HOUR, 10);
    assertEquals(List.of(Key.forContent(quiet)), due.stream().map(RecordStore.Republish::key).toList());
    assertEquals(23 * HOUR, due.get(0).ttlMillis(), "a copy keeps its remaining lifetime");
    assertEquals(List.of(), s.heldDueForRepublish(T0 + HOUR + MINUTE, HOUR, 10), "marked as republished");
    assertEquals(2, s.heldDueForRepublish(T0 + 3 * HOUR, HOUR, 10).size());
  }

  @Test
  void heldRepublishIsCappedPerCallAndTheRestComesNextTime() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    for (int i = 0; i < 5; i++) {
      assertStored(put(s, alice, value(8), T0 + i * TOKEN));
    }
    assertEquals(3, s.heldDueForRepublish(T0 + 2 * HOUR, HOUR, 3).size());
    assertEquals(2, s.heldDueForRepublish(T0 + 2 * HOUR, HOUR, 3).size());
    assertEquals(0, s.heldDueForRepublish(T0 + 2 * HOUR, HOUR, 3).size());
  }

  @Test
  void aContactCloserToAKeyThanUsIsNamedForTheValuesWeHold() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    byte[] held = value(10);
    byte[] own = value(10);
    assertStored(put(s, alice, held, T0));
    s.putLocal(own, 24 * HOUR, T0);
    Key heldKey = Key.forContent(held);
    NodeId onTheKey = heldKey.toNodeId();
    NodeId self = flipFirstBit(onTheKey);
    List<RecordStore.Republish> closer = s.heldCloserTo(onTheKey, self, T0 + HOUR, 10);
    assertTrue(closer.stream().anyMatch(r -> r.key().equals(heldKey)), "the contact sits on the key");
    assertEquals(23 * HOUR, closer.stream().filter(r -> r.key().equals(heldKey)).findFirst().orElseThrow()
        .ttlMillis());
    assertTrue(s.heldCloserTo(self, onTheKey, T0, 10).stream().noneMatch(r -> r.key().equals(heldKey)),
        "we are closer than that contact");
    assertEquals(1, s.heldCloserTo(onTheKey, self, T0, 1).size(), "capped");
    assertTrue(s.heldCloserTo(onTheKey, self, T0 + 25 * HOUR, 10).stream().noneMatch(r -> r.key().equals(heldKey)),
        "expired copies are not handed on");
    assertTrue(s.holds(heldKey) && s.holds(Key.forContent(own)));
  }

  @Test
  void aFailedContactAmongAKeysClosestTriggersOneRepairPerMinimumInterval() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    byte[] held = value(10);
    assertStored(put(s, alice, held, T0));
    Key key = Key.forContent(held);
    NodeId lost = key.toNodeId();
    NodeId self = flipFirstBit(lost);
    long fiveMinutes = 5 * MINUTE;
    assertEquals(List.of(), s.heldForRepair(lost, self, k -> true, T0 + MINUTE, fiveMinutes, 10),
        "a Store a minute ago: another holder just placed it");
    assertEquals(List.of(), s.heldForRepair(lost, self, k -> false, T0 + HOUR, fiveMinutes, 10),
        "the lost contact was not among the key's closest");
    assertEquals(List.of(), s.heldForRepair(self, lost, k -> true, T0 + HOUR, fiveMinutes, 10),
        "the lost contact was farther from the key than we are");
    List<RecordStore.Republish> repair = s.heldForRepair(lost, self, k -> true, T0 + HOUR, fiveMinutes, 10);
    assertEquals(List.of(key), repair.stream().map(RecordStore.Republish::key).toList());
    assertEquals(List.of(), s.heldForRepair(lost, self, k -> true, T0 + HOUR + MINUTE, fiveMinutes, 10),
        "repaired a minute ago");
    assertEquals(List.of(), s.heldDueForRepublish(T0 + HOUR + 30 * MINUTE, HOUR, 10),
        "a repair counts as a republish");
  }

  private static NodeId flipFirstBit(NodeId id) {
    byte[] b = id.toBytes();
    b[0] ^= (byte) 0x80;
    return NodeId.of(b);
  }

  // ---- the state dir's copy ----

  @Test
  void contentsListOurValuesAndTheLiveCopiesWithStorerAndExpiry() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    byte[] own = value(10);
    byte[] held = value(20);
    byte[] stale = value(30);
    s.putLocal(own, 2 * HOUR, T0);
    assertStored(put(s, alice, held, T0));
    assertStored(s.store(bob, keyOf(stale), stale, MINUTE, T0));
    StoredValues contents = s.contents(T0 + 2 * MINUTE);
    assertEquals(1, contents.own().size());
    assertEquals(Key.forContent(own), contents.own().get(0).key());
    assertEquals(2 * HOUR, contents.own().get(0).ttlMillis());
    assertEquals(1, contents.held().size(), "the expired copy is left out");
    StoredValues.Held copy = contents.held().get(0);
    assertEquals(alice, copy.storer());
    assertEquals(T0 + 24 * HOUR, copy.expiresAtMillis());
    assertArrayEquals(held, copy.value());
  }

  @Test
  void aRestoredCopyKeepsItsExpiryAndIsNotHeldUpByTheStorersRateLimit() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    long later = T0 + HOUR;
    // Many more than the 20 stores a minute alice's bucket allows: a reload is not a flood.
    for (int i = 0; i < 50; i++) {
      byte[] v = value(8);
      assertStored(s.restore(new StoredValues.Held(Key.forContent(v), v, alice, later + HOUR), true, later));
    }
    assertEquals(50, s.size());
    assertEquals(T0 + 2 * HOUR, s.contents(later).held().get(0).expiresAtMillis());
  }

  @Test
  void aRestoredCopyMeetsEveryOtherCheckOfAStore() {
    RecordStore s = new RecordStore(StoreSettings.defaults(), T0);
    byte[] v = value(8);
    assertRejected(Reason.KEY_MISMATCH,
        s.restore(new StoredValues.Held(Key.forContent(value(8)), v, alice, T0 + HOUR), true, T0));
    assertRejected(Reason.VALUE_TOO_LARGE, s.restore(new StoredValues.Held(Key.forContent(value(70_000)),
        value(70_000), alice, T0 + HOUR), true, T0));
    assertRejected(Reason.BAD_REQUEST,
        s.restore(new StoredValues.Held(Key.forContent(v), v, alice, T0), true, T0));
    for (int i = 0; i < 100; i++) {
      byte[] each = value(8);
      assertStored(s.restore(new StoredValues.Held(Key.forContent(each), each, alice, T0 + HOUR), true, T0));
    }
    assertRejected(Reason.QUOTA_EXCEEDED,
        s.restore(new StoredValues.Held(Key.forContent(v), v, alice, T0 + HOUR), true, T0));
    assertEquals(0, s.get(Key.forContent(v), T0).map(b -> 1).orElse(0));
  }
}
