package org.quicmesh.dht;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/**
 * Which values this node stores again, where, and when, so they survive churn (Kademlia's republish, plus repair and
 * hand-off), decided over the node's {@link RecordStore} and {@link RoutingTable} without I/O; the owning actor does
 * the lookups and Stores. Three triggers, each capped at {@link #batch()} values per call, and held copies sent to any
 * one peer capped at {@link #batch()} per minute ({@link #mayReplicateTo}), so replication alone never exceeds half a
 * receiver's per-peer store rate:
 * <ul>
 *   <li>{@link #dueForRepublish}: our originals, and held copies no Store refreshed for a republish interval (the
 *       paper's optimisation: usually one holder per interval does it);</li>
 *   <li>{@link #forNewContact}: a contact that just entered the table gets the values whose key it is closer to than
 *       we are, if it is now among the key's {@link #factor()} closest we know;</li>
 *   <li>{@link #afterLoss}: a contact among a key's closest failed, so a replica is likely gone: store again at once,
 *       at most every {@link #REPAIR_MIN_INTERVAL_DIVISOR}th of the republish interval per value.</li>
 * </ul>
 * Not thread-safe: the owning actor serialises calls; time is passed in.
 */
final class Replication {
  /** A value is repaired after a loss at most every (republish interval / this): 5 minutes at the default 1 h. */
  static final int REPAIR_MIN_INTERVAL_DIVISOR = 12;

  private final NodeId self;
  private final RecordStore store;
  private final RoutingTable table;
  private final DhtSettings settings;
  /** Budget of held-copy stores per receiving peer (see {@link #mayReplicateTo}). */
  private final Map<NodeId, TokenBucket> sentCopies = new HashMap<>();

  Replication(NodeId self, RecordStore store, RoutingTable table, DhtSettings settings) {
    this.self = self;
    this.store = store;
    this.table = table;
    this.settings = settings;
  }

  /**
   * Nodes a value is stored at: the adaptive k, but never fewer than the result size (20). A quiet table shrinks k
   * towards k-min, yet a value's durability must not depend on how much churn the one node storing it happened to
   * see: measured in the store simulation (a quarter of the holders crashing every 20 minutes), storing at k = 10..14
   * left holders 4-6 short of the result size after each republish.
   */
  int factor() {
    return Math.max(table.currentK(), settings.resultSize());
  }

  /**
   * Whether a copy held for others may be stored at {@code target} now: such stores to one peer stay within {@link
   * #batch()} per minute, half its per-peer store rate limit, so the other half is left for the values and endpoint
   * records we publish ourselves. Without it a burst of repairs and hand-offs (many losses at once, as behind NATs
   * where most contacts are unreachable) could fill a receiver's bucket and get our own newest record refused.
   */
  boolean mayReplicateTo(NodeId target, long nowMillis) {
    return sentCopies.computeIfAbsent(target, t -> TokenBucket.perMinute(batch(), nowMillis)).tryTake(nowMillis);
  }

  /** Forgets the budgets that have refilled completely (they would allow a full burst anyway). */
  void sweep(long nowMillis) {
    sentCopies.values().removeIf(bucket -> bucket.isFull(nowMillis));
  }

  /** Values replicated per trigger: half a peer's store rate limit. */
  int batch() {
    return Math.max(1, settings.store().perPeerStoresPerMinute() / 2);
  }

  /** Our originals due, then held copies due (each call marks what it returns as republished now). */
  Due dueForRepublish(long nowMillis) {
    long interval = settings.republishInterval().toMillis();
    return new Due(store.dueForRepublish(nowMillis, interval), store.heldDueForRepublish(nowMillis, interval, batch()));
  }

  /** Our originals and held copies due for republication now. */
  record Due(List<RecordStore.Republish> own, List<RecordStore.Republish> held) {}

  /** The values to hand {@code contact}, which just entered our routing table. */
  List<RecordStore.Republish> forNewContact(Contact contact, long nowMillis) {
    List<RecordStore.Republish> handOff = new ArrayList<>();
    for (RecordStore.Republish held : store.heldCloserTo(contact.id(), self, nowMillis, batch())) {
      if (amongClosest(contact.id(), held.key())) {
        handOff.add(held);
      }
    }
    return handOff;
  }

  /** The values to store again because {@code lost} failed; call before the table drops it (it checks membership). */
  List<RecordStore.Republish> afterLoss(NodeId lost, long nowMillis) {
    long minInterval = settings.republishInterval().toMillis() / REPAIR_MIN_INTERVAL_DIVISOR;
    return store.heldForRepair(lost, self, key -> amongClosest(lost, key), nowMillis, minInterval, batch());
  }

  private boolean amongClosest(NodeId contact, Key key) {
    for (Contact c : table.closest(key.toNodeId(), factor())) {
      if (c.id().equals(contact)) {
        return true;
      }
    }
    return false;
  }
}
