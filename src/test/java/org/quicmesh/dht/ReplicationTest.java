package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/** Which held values go where after republish intervals, new and lost contacts, over a real table and store. */
class ReplicationTest {
  private static final long T0 = 1_000_000_000L;
  private static final long HOUR = 3_600_000;
  private static final DhtSettings SETTINGS = DhtSettings.fromConfig(
      ConfigFactory.defaultReference().getConfig("quicmesh.dht"), Duration.ofSeconds(5));

  private final Random random = new Random(3);
  private final NodeId self = DhtTestIds.randomId(random);
  private final RoutingTable table = new RoutingTable(self, SETTINGS.routing(), T0);
  private final RecordStore store = new RecordStore(SETTINGS.store(), T0);
  private final Replication replication = new Replication(self, store, table, SETTINGS);
  private final NodeId storer = DhtTestIds.randomId(random);
  private final byte[] value = {1, 2, 3};
  private final Key key = Key.forContent(value);

  private Contact observeNew(NodeId id) {
    Contact c = DhtTestIds.contact(id, 4000 + random.nextInt(1000));
    assertTrue(table.observe(c, T0) instanceof ObserveResult.Added);
    return c;
  }

  /** An id sharing exactly the first {@code bits} bits with the key (the rest random): the larger, the closer. */
  private NodeId near(int bits) {
    byte[] id = key.toNodeId().toBytes();
    byte[] noise = new byte[id.length];
    random.nextBytes(noise);
    for (int i = bits + 1; i < id.length * 8; i++) {
      int mask = 0x80 >>> (i % 8);
      id[i / 8] = (byte) ((id[i / 8] & ~mask) | (noise[i / 8] & mask));
    }
    id[bits / 8] ^= (byte) (0x80 >>> (bits % 8));
    return NodeId.of(id);
  }

  @Test
  void valuesAreStoredAtLeastAtTheResultSizeEvenWhenKIsSmaller() {
    assertEquals(Math.max(table.currentK(), SETTINGS.resultSize()), replication.factor());
    assertTrue(replication.factor() >= 20);
    assertEquals(SETTINGS.store().perPeerStoresPerMinute() / 2, replication.batch());
  }

  @Test
  void aNewContactCloserToAHeldKeyAndAmongItsClosestGetsTheValue() {
    store.store(storer, key.bytes(), value, 24 * HOUR, T0);
    Contact close = observeNew(near(200));
    assertEquals(List.of(key), replication.forNewContact(close, T0).stream().map(RecordStore.Republish::key).toList());
  }

  @Test
  void aNewContactFartherFromTheKeyThanUsGetsNothing() {
    store.store(storer, key.bytes(), value, 24 * HOUR, T0);
    NodeId id = DhtTestIds.randomId(random);
    while (key.toNodeId().compareDistance(self, id) > 0) {
      id = DhtTestIds.randomId(random);
    }
    Contact farther = observeNew(id);
    assertTrue(key.toNodeId().compareDistance(self, farther.id()) < 0, "we are closer");
    assertEquals(List.of(), replication.forNewContact(farther, T0));
  }

  @Test
  void losingAContactAmongTheKeysClosestRepairsTheValueOnceAndRepublishWaitsAnInterval() {
    store.store(storer, key.bytes(), value, 24 * HOUR, T0);
    List<Contact> closest = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      closest.add(observeNew(near(150 + i)));
    }
    assertEquals(List.of(), replication.dueForRepublish(T0 + HOUR / 2).held());
    long later = T0 + HOUR / 2;
    assertEquals(List.of(key), replication.afterLoss(closest.get(0).id(), later).stream()
        .map(RecordStore.Republish::key).toList());
    assertEquals(List.of(), replication.afterLoss(closest.get(1).id(), later + 60_000), "repaired a minute ago");
    assertEquals(List.of(), replication.afterLoss(DhtTestIds.randomId(random), later + HOUR), "not in our table");
    assertEquals(List.of(), replication.dueForRepublish(T0 + HOUR).held(), "the repair counts as a republish");
    assertEquals(List.of(key), replication.dueForRepublish(later + HOUR).held().stream()
        .map(RecordStore.Republish::key).toList());
  }

  @Test
  void heldCopiesToOnePeerStayWithinHalfItsStoreRateLimit() {
    NodeId peer = DhtTestIds.randomId(random);
    int perMinute = SETTINGS.store().perPeerStoresPerMinute() / 2;
    for (int i = 0; i < perMinute; i++) {
      assertTrue(replication.mayReplicateTo(peer, T0), "store " + i + " within the budget");
    }
    assertFalse(replication.mayReplicateTo(peer, T0), "a burst beyond half the receiver's limit waits");
    assertTrue(replication.mayReplicateTo(DhtTestIds.randomId(random), T0), "every peer has a budget of its own");
    assertTrue(replication.mayReplicateTo(peer, T0 + 60_000 / perMinute), "refilled at that rate");
    replication.sweep(T0 + 120_000);
    for (int i = 0; i < perMinute; i++) {
      assertTrue(replication.mayReplicateTo(peer, T0 + 120_000), "a full budget again after a quiet while");
    }
  }
}
