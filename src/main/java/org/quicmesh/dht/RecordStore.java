package org.quicmesh.dht;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Rejected.Reason;

/**
 * The DHT value store of one node: content-addressed values held for remote peers, plus this node's own originals.
 * Plain single-threaded logic (the owning actor serialises calls); time is always passed in.
 *
 * <h2>Remote entries</h2>
 * Values stored by other peers with {@link #store}, kept for at most {@code value-ttl}, in LRU order with
 * {@code max-entries} capacity. Checks run cheapest first, before anything is copied or hashed: value size, the peer's
 * token bucket (RATE_LIMITED), the global request rate (OVERLOADED), an already-held key (a refresh compares bytes
 * instead of hashing), the peer's quota (QUOTA_EXCEEDED), the memory budget (OVERLOADED), and last the BLAKE3 check
 * (KEY_MISMATCH). Every store within its peer's rate limit counts towards the request rate (a flooding peer's excess
 * is refused by its own bucket at the cost of one check, so it neither raises pressure nor starves other peers); every
 * refusal is counted by reason.
 *
 * <h2>Pressure</h2>
 * {@code pressure = max(storedBytes / max-store-bytes, requestRate / max-store-requests-per-second)}, where
 * stored bytes are value bytes plus {@link #ENTRY_OVERHEAD_BYTES} per entry and the request rate is a 10 s moving
 * average of the stores that passed their peer's token bucket (many peers each within their limit, e.g. a Sybil swarm).
 * Above the rate budget itself new stores get OVERLOADED. Above {@code pressure-threshold} the store evicts its least valuable entries in bounded steps of at most
 * 1 % of the entries (at least one, never the last entry):
 * <ul>
 *   <li>memory pressure is relieved on the store path, down to 90 % of the threshold (hysteresis, so eviction runs in
 *       batches rather than on every store);</li>
 *   <li>request-rate pressure is relieved only by {@link #sweep}: evicting cannot lower a request rate, so a flood costs
 *       at most one 1 % step per sweep (every 60 s) and the store is never emptied; the flood itself is held off by the
 *       per-peer token buckets and, above the rate budget, by OVERLOADED.</li>
 * </ul>
 * An entry's value is {@code popularity + 0.5 * remainingLifeFraction - 0.5 * storerShare}: popularity is the count of
 * {@link #get} hits decayed with {@code popularity-half-life}, so one recent read outweighs both other terms; among
 * equally popular entries those near expiry and those of peers holding the most of their quota go first.
 *
 * <h2>Re-replication by holders</h2>
 * Kademlia keeps a value alive by its holders, not only its publisher: {@link #heldDueForRepublish} hands back remote
 * entries not refreshed by a Store (from anyone) for a republish interval, so the holder stores them again at the
 * current k closest; a Store received within the interval means another holder just did it (the paper's
 * optimisation: usually one holder per interval republishes). {@link #heldCloserTo} names what a newly learned contact
 * closer to a key than we are should get; {@link #heldForRepair} what to store again at once when a contact that was
 * among a key's closest fails. Both hand back at most a caller's limit per call, so replication traffic
 * stays within the receivers' per-peer rate limits; copies keep their remaining lifetime (only the publisher extends
 * it).
 *
 * <h2>Own originals</h2>
 * Values this node published with {@link #putLocal}. They are not subject to remote quotas, budgets or eviction (the
 * application owns them) and live until {@link #removeLocal}; {@link #dueForRepublish} hands them back for
 * re-publication before remote copies expire.
 */
final class RecordStore {
  /** Estimated heap bytes per entry beyond the value itself (map node, key, entry object, array headers). */
  public static final int ENTRY_OVERHEAD_BYTES = 192;
  /** Time constant of the request-rate average. */
  public static final long RATE_TAU_MILLIS = 10_000;
  /** Pressure eviction stops at this fraction of the threshold (hysteresis). */
  static final double LOW_WATER = 0.9;

  private final StoreSettings settings;
  private final long ttlMillis;
  private final double halfLifeMillis;
  private final int maxTrackedPeers;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
  private final HashMap<NodeId, PeerAccount> peers = new HashMap<>();
  private final LinkedHashMap<Key, Original> originals = new LinkedHashMap<>();
  private final RateMeter requests;
  private final EnumMap<Reason, Long> rejections = new EnumMap<>(Reason.class);
  private long storedBytes;
  private long stored;
  private long refreshed;
  private long hits;
  private long misses;
  private long evictedExpired;
  private long evictedLru;
  private long evictedPressure;

  public RecordStore(StoreSettings settings, long nowMillis) {
    this.settings = settings;
    this.ttlMillis = settings.valueTtl().toMillis();
    this.halfLifeMillis = settings.popularityHalfLife().toMillis();
    // Accounts with entries are at most max-entries; the rest only carry a token bucket until the next sweep.
    this.maxTrackedPeers = 2 * settings.maxEntries();
    this.requests = new RateMeter(RATE_TAU_MILLIS, nowMillis);
    for (Reason r : List.of(Reason.VALUE_TOO_LARGE, Reason.KEY_MISMATCH, Reason.QUOTA_EXCEEDED,
        Reason.RATE_LIMITED, Reason.OVERLOADED, Reason.BAD_REQUEST)) {
      rejections.put(r, 0L);
    }
  }

  public StoreSettings settings() {
    return settings;
  }

  /**
   * Handles a remote peer's Store.
   *
   * @param peer the verified id of the requesting peer
   * @param key the 32-byte key; must equal BLAKE3(value)
   * @param value the value; copied if accepted
   * @param ttlMillis requested lifetime; values above {@code value-ttl} (or non-positive) are held for {@code value-ttl}
   * @param nowMillis current time
   */
  public StoreResult store(NodeId peer, byte[] key, byte[] value, long ttlMillis, long nowMillis) {
    return store(peer, key, value, ttlMillis, nowMillis, true);
  }

  /**
   * Stores a value whose key is not its hash but that the caller has verified belongs under {@code key} and is newer
   * than what may be held there (a signed endpoint record): it replaces a different held value instead of being
   * refused. Quotas, rate limits and pressure apply as to {@link #store}.
   */
  public StoreResult storeReplacing(NodeId peer, byte[] key, byte[] value, long ttlMillis, long nowMillis) {
    return store(peer, key, value, ttlMillis, nowMillis, false);
  }

  /**
   * Takes back a copy this node held before a restart (from the state dir), as {@link #store} or, for a verified
   * endpoint record, {@link #storeReplacing} would take it from {@code storer} now, minus the rate limits: those pace
   * a peer's requests, and a reload is none.
   */
  public StoreResult restore(StoredValues.Held copy, boolean contentAddressed, long nowMillis) {
    if (copy.expiresAtMillis() <= nowMillis) {
      // Checked here, not left to the TTL rule: a non-positive TTL asks for the full value-ttl.
      return reject(Reason.BAD_REQUEST, "expired before the restart");
    }
    return admit(copy.storer(), copy.key().bytes(), copy.value(), copy.expiresAtMillis() - nowMillis, nowMillis,
        contentAddressed, false);
  }

  private StoreResult store(NodeId peer, byte[] key, byte[] value, long ttlMillis, long nowMillis,
      boolean contentAddressed) {
    return admit(peer, key, value, ttlMillis, nowMillis, contentAddressed, true);
  }

  /** {@code paced}: whether the peer's token bucket and the global request rate apply (a peer's Store). */
  private StoreResult admit(NodeId peer, byte[] key, byte[] value, long ttlMillis, long nowMillis,
      boolean contentAddressed, boolean paced) {
    if (peer == null || key == null || value == null) {
      return reject(Reason.BAD_REQUEST, "peer, key and value are required");
    }
    if (value.length > settings.maxValueBytes()) {
      return reject(Reason.VALUE_TOO_LARGE, value.length + " bytes > " + settings.maxValueBytes());
    }
    if (key.length != Key.LENGTH) {
      return reject(Reason.KEY_MISMATCH, "key has " + key.length + " bytes, not " + Key.LENGTH);
    }
    PeerAccount account = peers.get(peer);
    if (account == null) {
      if (peers.size() >= maxTrackedPeers) {
        return reject(Reason.OVERLOADED, "too many peers storing");
      }
      account = new PeerAccount(TokenBucket.perMinute(settings.perPeerStoresPerMinute(), nowMillis));
      peers.put(peer, account);
    }
    if (paced && !account.bucket.tryTake(nowMillis)) {
      return reject(Reason.RATE_LIMITED, "more than " + settings.perPeerStoresPerMinute() + " stores per minute");
    }
    if (paced) {
      // Only requests within their peer's own limit count: one flooding peer costs a bucket check, not capacity.
      requests.record(nowMillis);
      if (requests.perSecond(nowMillis) > settings.maxStoreRequestsPerSecond()) {
        return reject(Reason.OVERLOADED, "store request rate above budget");
      }
    }
    long expiresAt = nowMillis + effectiveTtl(ttlMillis);
    Key k = Key.of(key);
    Entry existing = entries.get(k);
    if (existing != null && existing.expiresAt <= nowMillis) {
      remove(existing);
      evictedExpired++;
      existing = null;
    }
    if (existing != null && !contentAddressed && !Arrays.equals(existing.value, value)) {
      remove(existing);
      existing = null;
    }
    if (existing != null) {
      // The held value already hashes to this key, so equal bytes prove the key without hashing again, and
      // different bytes cannot match it.
      if (!Arrays.equals(existing.value, value)) {
        return reject(Reason.KEY_MISMATCH, "key does not match the value");
      }
      existing.expiresAt = Math.max(existing.expiresAt, expiresAt);
      existing.refreshedAt = nowMillis;
      refreshed++;
      return new StoreResult.Stored(true, existing.expiresAt);
    }
    if (account.entries + 1 > settings.perPeerMaxEntries()) {
      return reject(Reason.QUOTA_EXCEEDED, "peer holds " + account.entries + " entries here");
    }
    if (account.bytes + value.length > settings.perPeerMaxBytes()) {
      return reject(Reason.QUOTA_EXCEEDED, "peer holds " + account.bytes + " bytes here");
    }
    long cost = (long) value.length + ENTRY_OVERHEAD_BYTES;
    if (memoryPressure() > settings.pressureThreshold()
        || storedBytes + cost > settings.maxStoreBytes()) {
      relieve(nowMillis, false);
    }
    if (storedBytes + cost > settings.maxStoreBytes()) {
      return reject(Reason.OVERLOADED, "store memory budget exhausted");
    }
    if (contentAddressed && !Key.forContent(value).equals(k)) {
      return reject(Reason.KEY_MISMATCH, "key is not BLAKE3(value)");
    }
    while (entries.size() >= settings.maxEntries()) {
      Entry eldest = entries.values().iterator().next();
      remove(eldest);
      evictedLru++;
    }
    Entry e = new Entry(k, value.clone(), peer, nowMillis, expiresAt);
    entries.put(k, e);
    storedBytes += cost;
    account.entries++;
    account.bytes += value.length;
    stored++;
    return new StoreResult.Stored(false, expiresAt);
  }

  /**
   * The value under {@code key} (a copy), our own original first, or empty if absent or expired. A hit on a remote
   * entry makes it most recently used and raises its popularity.
   */
  public Optional<byte[]> get(Key key, long nowMillis) {
    Original own = originals.get(key);
    if (own != null) {
      hits++;
      return Optional.of(own.value.clone());
    }
    Entry e = entries.get(key);
    if (e == null) {
      misses++;
      return Optional.empty();
    }
    if (e.expiresAt <= nowMillis) {
      remove(e);
      evictedExpired++;
      misses++;
      return Optional.empty();
    }
    e.popularity = popularity(e, nowMillis) + 1;
    e.popularityAt = nowMillis;
    hits++;
    return Optional.of(e.value.clone());
  }

  /**
   * Whether {@code key} is held (our original or a remote entry). Unlike {@link #get} it neither counts nor touches the
   * LRU order, so an entry that expired since the last {@link #sweep} still counts.
   */
  public boolean holds(Key key) {
    return originals.containsKey(key) || entries.containsKey(key);
  }

  /**
   * Periodic maintenance (the owner calls it every {@code expiry-sweep-interval}): drops expired entries and releases
   * their peers' quota, forgets idle peer accounts, and runs one pressure-eviction step if pressure is above the
   * threshold.
   *
   * @return the number of entries removed
   */
  public int sweep(long nowMillis) {
    int removed = 0;
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.expiresAt <= nowMillis) {
        it.remove();
        release(e);
        evictedExpired++;
        removed++;
      }
    }
    peers.values().removeIf(a -> a.entries == 0 && a.bucket.isFull(nowMillis));
    if (pressure(nowMillis) > settings.pressureThreshold()) {
      removed += relieve(nowMillis, true);
    }
    return removed;
  }

  /** {@code max(storedBytes / max-store-bytes, requests per second / max-store-requests-per-second)}. */
  public double pressure(long nowMillis) {
    return Math.max(memoryPressure(), requests.perSecond(nowMillis) / settings.maxStoreRequestsPerSecond());
  }

  /**
   * Stores one of our own values (not subject to remote quotas or eviction) and returns its content key. The caller
   * publishes it to the k closest nodes now; {@link #dueForRepublish} then tells when to do it again.
   *
   * @param ttlMillis the lifetime asked of remote nodes on each publication, positive
   */
  public Key putLocal(byte[] value, long ttlMillis, long nowMillis) {
    if (value == null || ttlMillis <= 0) {
      throw new IllegalArgumentException("a value and a positive ttl are required");
    }
    Key key = Key.forContent(value);
    originals.put(key, new Original(value.clone(), ttlMillis, nowMillis));
    return key;
  }

  /** Stops holding and republishing our own value; true if it was held. */
  public boolean removeLocal(Key key) {
    return originals.remove(key) != null;
  }

  /**
   * Our originals due for republication, which this call marks as republished at {@code nowMillis}. An original is
   * due once {@code min(intervalMillis, ttl / 2)} has passed since its last publication: republishing at half the TTL
   * at the latest keeps remote copies alive even if one republish round fails (Kademlia republishes hourly with a
   * 24 h TTL; any interval below ttl/2 is honoured as given).
   */
  public List<Republish> dueForRepublish(long nowMillis, long intervalMillis) {
    List<Republish> due = new ArrayList<>();
    for (Map.Entry<Key, Original> me : originals.entrySet()) {
      Original o = me.getValue();
      long every = Math.min(intervalMillis, o.ttlMillis / 2);
      if (nowMillis - o.publishedAt >= every) {
        o.publishedAt = nowMillis;
        due.add(new Republish(me.getKey(), o.value.clone(), o.ttlMillis));
      }
    }
    return due;
  }

  /** One of our originals to publish again at the k closest nodes to {@code key}. */
  public record Republish(Key key, byte[] value, long ttlMillis) {}

  /** What the store holds now (copies not yet expired); the byte arrays are the store's own, to be written only. */
  public StoredValues contents(long nowMillis) {
    List<StoredValues.Own> own = new ArrayList<>();
    originals.forEach((key, original) -> own.add(new StoredValues.Own(key, original.value, original.ttlMillis)));
    List<StoredValues.Held> held = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.expiresAt > nowMillis) {
        held.add(new StoredValues.Held(e.key, e.value, e.storer, e.expiresAt));
      }
    }
    return new StoredValues(own, held);
  }

  /**
   * Remote entries (values we hold for others) that no Store refreshed, and that we did not republish, for
   * {@code intervalMillis}: at most {@code limit}, which this call marks as republished at {@code nowMillis}. Each
   * comes with its remaining lifetime.
   */
  public List<Republish> heldDueForRepublish(long nowMillis, long intervalMillis, int limit) {
    List<Republish> due = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (due.size() >= limit) {
        break;
      }
      if (e.expiresAt > nowMillis && nowMillis - Math.max(e.refreshedAt, e.republishedAt) >= intervalMillis) {
        e.republishedAt = nowMillis;
        due.add(new Republish(e.key, e.value.clone(), e.expiresAt - nowMillis));
      }
    }
    return due;
  }

  /**
   * Remote entries to store again now because {@code lost}, a contact that just failed, was closer to their key than
   * {@code self} and {@code wasAmongClosest} says it was among the key's k closest (so a replica is likely gone): at
   * most {@code limit}, each only if no Store refreshed it and we did not republish it for {@code minIntervalMillis}
   * (as for {@link #heldDueForRepublish}, the first holder to notice repairs and the others see its Store).
   */
  public List<Republish> heldForRepair(NodeId lost, NodeId self, java.util.function.Predicate<Key> wasAmongClosest,
      long nowMillis, long minIntervalMillis, int limit) {
    List<Republish> due = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (due.size() >= limit) {
        break;
      }
      if (e.expiresAt > nowMillis && nowMillis - Math.max(e.refreshedAt, e.republishedAt) >= minIntervalMillis
          && e.key.toNodeId().compareDistance(lost, self) < 0 && wasAmongClosest.test(e.key)) {
        e.republishedAt = nowMillis;
        due.add(new Republish(e.key, e.value.clone(), e.expiresAt - nowMillis));
      }
    }
    return due;
  }

  /**
   * Up to {@code limit} values we hold (our originals first, then remote entries, unexpired) whose key {@code contact}
   * is closer to than {@code self}: a newly learned contact that may now be among a key's k closest.
   */
  public List<Republish> heldCloserTo(NodeId contact, NodeId self, long nowMillis, int limit) {
    List<Republish> closer = new ArrayList<>();
    for (Map.Entry<Key, Original> me : originals.entrySet()) {
      if (closer.size() < limit && me.getKey().toNodeId().compareDistance(contact, self) < 0) {
        closer.add(new Republish(me.getKey(), me.getValue().value.clone(), me.getValue().ttlMillis));
      }
    }
    for (Entry e : entries.values()) {
      if (closer.size() >= limit) {
        break;
      }
      if (e.expiresAt > nowMillis && e.key.toNodeId().compareDistance(contact, self) < 0) {
        closer.add(new Republish(e.key, e.value.clone(), e.expiresAt - nowMillis));
      }
    }
    return closer;
  }

  /** Refusals so far by wire reason name (every reason the store can give, zeros included). */
  public Map<String, Long> rejections() {
    Map<String, Long> out = new LinkedHashMap<>();
    rejections.forEach((r, n) -> out.put(r.name(), n));
    return out;
  }

  /**
   * Other counters: {@code stored}, {@code refreshed}, {@code hits}, {@code misses}, {@code evicted.expired},
   * {@code evicted.lru}, {@code evicted.pressure}, and the gauges {@code entries}, {@code bytes}, {@code originals},
   * {@code peers}.
   */
  public Map<String, Long> counters() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("stored", stored);
    out.put("refreshed", refreshed);
    out.put("hits", hits);
    out.put("misses", misses);
    out.put("evicted.expired", evictedExpired);
    out.put("evicted.lru", evictedLru);
    out.put("evicted.pressure", evictedPressure);
    out.put("entries", (long) entries.size());
    out.put("bytes", storedBytes);
    out.put("originals", (long) originals.size());
    out.put("peers", (long) peers.size());
    return out;
  }

  /** Remote entries held (expired ones count until swept or read). */
  public int size() {
    return entries.size();
  }

  /** Stored bytes as counted for memory pressure. */
  public long storedBytes() {
    return storedBytes;
  }

  /** Entries and value bytes {@code peer} holds here. */
  public PeerUsage usageOf(NodeId peer) {
    PeerAccount a = peers.get(peer);
    return a == null ? new PeerUsage(0, 0) : new PeerUsage(a.entries, a.bytes);
  }

  /** What one remote peer holds in this store. */
  public record PeerUsage(int entries, long bytes) {}

  private long effectiveTtl(long requested) {
    return requested <= 0 ? ttlMillis : Math.min(requested, ttlMillis);
  }

  private double memoryPressure() {
    return (double) storedBytes / settings.maxStoreBytes();
  }

  /**
   * One bounded eviction step: at most 1 % of the entries (at least one, never the last), least valuable first. A
   * memory-driven step stops once memory is below the low-water mark; a sweep step under rate pressure takes the full
   * step.
   */
  private int relieve(long nowMillis, boolean fromSweep) {
    int n = entries.size();
    if (n <= 1) {
      return 0;
    }
    int step = Math.min(n - 1, Math.max(1, n / 100));
    double lowWater = LOW_WATER * settings.pressureThreshold() * settings.maxStoreBytes();
    boolean rateDriven = fromSweep
        && requests.perSecond(nowMillis) / settings.maxStoreRequestsPerSecond() > settings.pressureThreshold();
    // The `step` least valuable entries: a max-heap of size step over one pass, O(n log step).
    Comparator<Scored> byScore = Comparator.comparingDouble(Scored::score);
    PriorityQueue<Scored> worst = new PriorityQueue<>(step + 1, byScore.reversed());
    for (Entry e : entries.values()) {
      worst.add(new Scored(e, value(e, nowMillis)));
      if (worst.size() > step) {
        worst.poll();
      }
    }
    List<Scored> victims = new ArrayList<>(worst);
    victims.sort(byScore);
    int evicted = 0;
    for (Scored s : victims) {
      if (!rateDriven && storedBytes <= lowWater) {
        break;
      }
      remove(s.entry);
      evictedPressure++;
      evicted++;
    }
    return evicted;
  }

  /** How much keeping {@code e} is worth: popularity dominates; near expiry and heavy storers lower it. */
  private double value(Entry e, long nowMillis) {
    double lifetime = Math.max(1, e.expiresAt - e.storedAt);
    double remaining = Math.max(0, Math.min(1, (e.expiresAt - nowMillis) / lifetime));
    PeerAccount a = peers.get(e.storer);
    double share = a == null ? 0 : Math.min(1, (double) a.bytes / settings.perPeerMaxBytes());
    return popularity(e, nowMillis) + 0.5 * remaining - 0.5 * share;
  }

  private double popularity(Entry e, long nowMillis) {
    if (e.popularity == 0 || nowMillis <= e.popularityAt) {
      return e.popularity;
    }
    return e.popularity * Math.pow(0.5, (nowMillis - e.popularityAt) / halfLifeMillis);
  }

  private void remove(Entry e) {
    entries.remove(e.key);
    release(e);
  }

  private void release(Entry e) {
    storedBytes -= (long) e.value.length + ENTRY_OVERHEAD_BYTES;
    PeerAccount a = peers.get(e.storer);
    if (a != null) {
      a.entries--;
      a.bytes -= e.value.length;
    }
  }

  private StoreResult.Rejected reject(Reason reason, String detail) {
    rejections.merge(reason, 1L, Long::sum);
    return new StoreResult.Rejected(reason, detail);
  }

  private static final class Entry {
    final Key key;
    final byte[] value;
    final NodeId storer;
    final long storedAt;
    long expiresAt;
    double popularity;
    long popularityAt;
    /** Last Store of this value received (the first one included). */
    long refreshedAt;
    /** Last time we republished it ourselves (0: never). */
    long republishedAt;

    Entry(Key key, byte[] value, NodeId storer, long storedAt, long expiresAt) {
      this.key = key;
      this.value = value;
      this.storer = storer;
      this.storedAt = storedAt;
      this.expiresAt = expiresAt;
      this.popularityAt = storedAt;
      this.refreshedAt = storedAt;
    }
  }

  private record Scored(Entry entry, double score) {}

  private static final class PeerAccount {
    final TokenBucket bucket;
    int entries;
    long bytes;

    PeerAccount(TokenBucket bucket) {
      this.bucket = bucket;
    }
  }

  private static final class Original {
    final byte[] value;
    final long ttlMillis;
    long publishedAt;

    Original(byte[] value, long ttlMillis, long publishedAt) {
      this.value = value;
      this.ttlMillis = ttlMillis;
      this.publishedAt = publishedAt;
    }
  }
}
