package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicmesh.dht.DhtTestIds.contact;
import static org.quicmesh.dht.DhtTestIds.randomId;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

class RoutingTableTest {
  private static final long T0 = 1_000_000L;
  private static final RoutingSettings SETTINGS = RoutingSettings.defaults();

  private static List<Contact> randomContacts(Random random, int count) {
    List<Contact> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(contact(randomId(random), i));
    }
    return out;
  }

  private static List<Contact> bruteForceClosest(List<Contact> all, NodeId target, int n) {
    return all.stream()
        .sorted(Comparator.comparing(Contact::id, target::compareDistance))
        .limit(n)
        .toList();
  }

  /** Targets covering every branch of the bucket walk: random, self, near self, far, and existing ids. */
  private static List<NodeId> targets(NodeId self, List<Contact> contacts, Random random, RoutingTable table) {
    List<NodeId> targets = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      targets.add(randomId(random));
    }
    targets.add(self);
    for (int index : new int[] {0, 1, 7, 8, 100, 240, 250, 254, 255}) {
      targets.add(table.randomIdInBucket(index, random));
    }
    targets.add(contacts.get(0).id());
    targets.add(contacts.get(contacts.size() - 1).id());
    return targets;
  }

  @Test
  void selfIsNeverInserted() {
    NodeId self = randomId(new Random(1));
    RoutingTable table = new RoutingTable(self, SETTINGS, T0);
    assertInstanceOf(ObserveResult.IgnoredSelf.class, table.observe(contact(self, 1), T0));
    assertEquals(0, table.size());
    assertFalse(table.contains(self));
    assertTrue(table.closest(self, 20).isEmpty());
  }

  @Test
  void observeIsTheOnlyWayForAContactIntoTheTable() {
    // Second-hand contacts (from Nodes replies) have no entry point: every public method taking a Contact is observe.
    List<String> takingContact = Arrays.stream(RoutingTable.class.getMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()))
        .filter(m -> Arrays.asList(m.getParameterTypes()).contains(Contact.class))
        .map(Method::getName)
        .distinct()
        .toList();
    assertEquals(List.of("observe"), takingContact);
  }

  @Test
  void closestEqualsBruteForceOverAllContactsWhenEverythingFits() {
    Random random = new Random(42);
    NodeId self = randomId(random);
    RoutingTable table = new RoutingTable(self, SETTINGS.withFixedK(2_000), T0);
    List<Contact> contacts = randomContacts(random, 2_000);
    contacts.forEach(c -> table.observe(c, T0));
    assertEquals(2_000, table.size());
    for (NodeId target : targets(self, contacts, random, table)) {
      for (int n : new int[] {1, 3, 20, 200, 2_000, 5_000}) {
        assertEquals(bruteForceClosest(contacts, target, n), table.closest(target, n), "target " + target + " n " + n);
      }
    }
  }

  @Test
  void closestEqualsBruteForceOverTheTableContentsWithRealisticK() {
    Random random = new Random(7);
    NodeId self = randomId(random);
    RoutingTable table = new RoutingTable(self, SETTINGS, T0);
    List<Contact> offered = randomContacts(random, 2_000);
    offered.forEach(c -> table.observe(c, T0));
    List<Contact> held = table.contacts();
    assertEquals(held.size(), table.size());
    assertTrue(held.size() < 2_000 && held.size() >= 20, "buckets are bounded by k: " + held.size());
    for (NodeId target : targets(self, held, random, table)) {
      for (int n : new int[] {1, 10, 20, 30, 1_000}) {
        assertEquals(bruteForceClosest(held, target, n), table.closest(target, n), "target " + target + " n " + n);
      }
    }
  }

  @Test
  void fullBucketDecisionReachesTheCallerAndAFailedProbeCountsAsChurn() {
    Random random = new Random(3);
    NodeId self = randomId(random);
    RoutingTable table = new RoutingTable(self, SETTINGS.withFixedK(2), T0);
    // Three contacts in bucket 255 (top bit differs from ours).
    List<Contact> far = new ArrayList<>();
    while (far.size() < 3) {
      NodeId id = randomId(random);
      if (self.bucketIndex(id) == 255) {
        far.add(contact(id, far.size()));
      }
    }
    table.observe(far.get(0), T0);
    table.observe(far.get(1), T0 + 1);
    ObserveResult r = table.observe(far.get(2), T0 + 2);
    assertEquals(new ObserveResult.PingBeforeEvict(far.get(0), far.get(2)), r);
    assertTrue(table.probeFailed(far.get(0).id(), T0 + 3));
    assertTrue(table.contains(far.get(2).id()));
    assertEquals(2, table.size());
    assertEquals(1, table.churn().totalLosses());
  }

  @Test
  void sizeStaysConsistentWithContentsUnderRandomOperations() {
    Random random = new Random(11);
    NodeId self = randomId(random);
    RoutingTable table = new RoutingTable(self, SETTINGS.withFixedK(3), T0);
    List<Contact> pool = randomContacts(random, 300);
    long now = T0;
    for (int step = 0; step < 5_000; step++) {
      Contact c = pool.get(random.nextInt(pool.size()));
      now += random.nextInt(1_000);
      switch (random.nextInt(6)) {
        case 0, 1 -> table.observe(c, now);
        case 2 -> table.probeFailed(c.id(), now);
        case 3 -> table.markFailed(c.id(), now);
        case 4 -> table.remove(c.id());
        default -> table.setK(1 + random.nextInt(5));
      }
      assertEquals(table.contacts().size(), table.size());
    }
  }

  @Test
  void setKAppliesToEveryBucket() {
    Random random = new Random(5);
    NodeId self = randomId(random);
    RoutingTable table = new RoutingTable(self, SETTINGS, T0);
    randomContacts(random, 2_000).forEach(c -> table.observe(c, T0));
    table.setK(10);
    assertEquals(10, table.currentK());
    for (int i = 0; i < RoutingTable.BUCKETS; i++) {
      assertTrue(table.bucketSize(i) <= 10);
    }
    assertEquals(10, table.bucketSize(255));
  }

  @Test
  void onlyBucketsWithoutARecentLookupNeedRefresh() {
    Random random = new Random(9);
    NodeId self = randomId(random);
    RoutingTable table = new RoutingTable(self, SETTINGS, T0);
    for (int index = 250; index < 256; index++) {
      table.observe(contact(table.randomIdInBucket(index, random), index), T0);
    }
    Duration hour = Duration.ofHours(1);
    assertTrue(table.bucketsNeedingRefresh(T0 + hour.toMillis() - 1, hour).isEmpty(), "nothing is stale yet");
    table.touchBucket(253, T0 + Duration.ofMinutes(59).toMillis());
    table.touchTarget(table.randomIdInBucket(251, random), T0 + Duration.ofMinutes(30).toMillis());
    long later = T0 + Duration.ofMinutes(61).toMillis();
    assertEquals(List.of(250, 252, 254, 255), table.bucketsNeedingRefresh(later, hour));
    // Half an hour later the bucket touched at 30 min is stale too; the one touched at 59 min is not.
    assertEquals(List.of(250, 251, 252, 254, 255), table.bucketsNeedingRefresh(later + hour.toMillis() / 2, hour));
  }

  @Test
  void emptyTableNeedsNoRefresh() {
    RoutingTable table = new RoutingTable(randomId(new Random(2)), SETTINGS, T0);
    assertTrue(table.bucketsNeedingRefresh(T0 + Duration.ofDays(1).toMillis()).isEmpty());
  }

  @Test
  void randomIdInBucketLandsInThatBucket() {
    Random random = new Random(13);
    NodeId self = randomId(random);
    RoutingTable table = new RoutingTable(self, SETTINGS, T0);
    for (int index = 0; index < RoutingTable.BUCKETS; index++) {
      for (int i = 0; i < 4; i++) {
        assertEquals(index, self.bucketIndex(table.randomIdInBucket(index, random)));
      }
    }
  }

  @Test
  void adaptKShrinksTheTableWhenTheNetworkIsQuiet() {
    Random random = new Random(17);
    NodeId self = randomId(random);
    RoutingTable table = new RoutingTable(self, SETTINGS, T0);
    randomContacts(random, 2_000).forEach(c -> table.observe(c, T0));
    assertEquals(20, table.adaptK(T0 + 1), "k-initial before a full churn window");
    assertEquals(10, table.adaptK(T0 + SETTINGS.churnWindow().toMillis()), "no losses: k-min");
    assertEquals(10, table.bucketSize(255));
  }
}
