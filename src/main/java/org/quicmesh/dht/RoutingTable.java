package org.quicmesh.dht;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/**
 * A Kademlia routing table: 256 {@link KBucket}s indexed by {@code self.bucketIndex(other)}, allocated lazily.
 *
 * <p><b>Only verified contacts enter.</b> The single way in is {@link #observe}, which the caller invokes for a
 * contact that answered one of our requests or connected to us with a verified identity. Contacts learned
 * second-hand (from {@code Nodes} replies) must stay in the lookup that found them, as candidates, until they answer
 * themselves; there is deliberately no method to add them. Our own id is never inserted.
 *
 * <p>Ping-before-evict: when a bucket is full, {@link #observe} returns {@link ObserveResult.PingBeforeEvict}; the
 * caller pings that contact and reports {@link #probeAnswered} or {@link #probeFailed} (a timeout is a failure).
 * Losses from failed probes and repeated RPC failures feed a {@link ChurnEstimator}; {@link #adaptK} applies its
 * recommendation to every bucket.
 *
 * <p>Plain synchronous logic, not thread-safe: one owner calls it, passing time as epoch milliseconds.
 */
public final class RoutingTable {
  public static final int BUCKETS = 256;

  private final NodeId self;
  private final RoutingSettings settings;
  private final KBucket[] buckets = new KBucket[BUCKETS];
  private final long[] lastLookup = new long[BUCKETS];
  private final ChurnEstimator churn;
  private int k;
  private int size;

  /** An empty table for {@code self}; every bucket counts as looked-up at {@code nowMillis}. */
  public RoutingTable(NodeId self, RoutingSettings settings, long nowMillis) {
    this.self = self;
    this.settings = settings;
    this.k = settings.kInitial();
    this.churn = ChurnEstimator.of(settings, nowMillis);
    Arrays.fill(lastLookup, nowMillis);
  }

  public NodeId self() {
    return self;
  }

  /**
   * Records that a verified contact answered us (or connected to us) at {@code nowMillis} and returns what its
   * bucket decided; on {@link ObserveResult.PingBeforeEvict} the caller must ping the named contact.
   */
  public ObserveResult observe(Contact contact, long nowMillis) {
    int index = self.bucketIndex(contact.id());
    if (index < 0) {
      return new ObserveResult.IgnoredSelf(contact);
    }
    KBucket bucket = buckets[index];
    if (bucket == null) {
      bucket = new KBucket(k, settings.replacementCacheSize(), settings.maxConsecutiveFailures(),
          settings.probeExpiry().toMillis());
      buckets[index] = bucket;
    }
    int before = bucket.size();
    ObserveResult result = bucket.observe(contact, nowMillis);
    size += bucket.size() - before;
    return result;
  }

  /** The ping-before-evict probe of {@code id} was answered: it stays. False if it is no longer in the table. */
  public boolean probeAnswered(NodeId id, long nowMillis) {
    KBucket bucket = bucketOf(id);
    return bucket != null && bucket.probeAnswered(id, nowMillis);
  }

  /**
   * The probe of {@code id} failed or timed out: it is replaced by the newest cached contact of its bucket and counted
   * as churn. True if it was in the table.
   */
  public boolean probeFailed(NodeId id, long nowMillis) {
    KBucket bucket = bucketOf(id);
    if (bucket == null) {
      return false;
    }
    int before = bucket.size();
    boolean removed = bucket.probeFailed(id);
    size += bucket.size() - before;
    if (removed) {
      churn.recordLoss(nowMillis);
    }
    return removed;
  }

  /**
   * A request to {@code id} failed; after {@code max-consecutive-failures} in a row the contact is dropped, replaced
   * from the cache and counted as churn (returns true).
   */
  public boolean markFailed(NodeId id, long nowMillis) {
    KBucket bucket = bucketOf(id);
    if (bucket == null) {
      return false;
    }
    int before = bucket.size();
    boolean dropped = bucket.markFailed(id);
    size += bucket.size() - before;
    if (dropped) {
      churn.recordLoss(nowMillis);
    }
    return dropped;
  }

  /** Removes {@code id} (e.g. it failed identity checks); not counted as churn. True if it was a live contact. */
  public boolean remove(NodeId id) {
    KBucket bucket = bucketOf(id);
    if (bucket == null) {
      return false;
    }
    int before = bucket.size();
    boolean removed = bucket.remove(id);
    size += bucket.size() - before;
    return removed;
  }

  /**
   * The {@code n} contacts closest to {@code target} by XOR distance, closest first.
   *
   * <p>No global sort: with {@code x = self XOR target} and {@code b = self.bucketIndex(target)}, every bucket's
   * contacts occupy one contiguous range of distances to the target, and the ranges are ordered as: bucket b (all
   * closer than 2^b); then buckets i &lt; b whose bit i of x is 1, by descending i; then buckets i &lt; b whose bit i
   * of x is 0, by ascending i; then buckets i &gt; b, ascending. The walk stops as soon as n contacts are collected,
   * and only the buckets it takes from are ordered internally. Cost: O(256 + m log k) for m visited contacts, about
   * n + k, i.e. independent of the table size for realistic k.
   */
  public List<Contact> closest(NodeId target, int n) {
    if (n <= 0 || size == 0) {
      return List.of();
    }
    List<Contact> out = new ArrayList<>(Math.min(n, size));
    int b = self.bucketIndex(target);
    if (b >= 0) {
      take(buckets[b], target, n, out);
    }
    for (int i = b - 1; i >= 0 && out.size() < n; i--) {
      if (bucketNonEmpty(i) && xorBit(target, i) == 1) {
        take(buckets[i], target, n, out);
      }
    }
    for (int i = 0; i < b && out.size() < n; i++) {
      if (bucketNonEmpty(i) && xorBit(target, i) == 0) {
        take(buckets[i], target, n, out);
      }
    }
    for (int i = b + 1; i < BUCKETS && out.size() < n; i++) {
      if (bucketNonEmpty(i)) {
        take(buckets[i], target, n, out);
      }
    }
    return out;
  }

  /** Number of live contacts. */
  public int size() {
    return size;
  }

  /** All live contacts, by bucket index then least recently seen first. */
  public List<Contact> contacts() {
    List<Contact> out = new ArrayList<>(size);
    for (KBucket bucket : buckets) {
      if (bucket != null) {
        out.addAll(bucket.contacts());
      }
    }
    return out;
  }

  public boolean contains(NodeId id) {
    KBucket bucket = bucketOf(id);
    return bucket != null && bucket.contains(id);
  }

  public Optional<ContactInfo> find(NodeId id) {
    KBucket bucket = bucketOf(id);
    return bucket == null ? Optional.empty() : bucket.find(id);
  }

  /** Snapshot of bucket {@code index}, least recently seen first (for telemetry and the {@code peers} op). */
  public List<ContactInfo> bucketEntries(int index) {
    KBucket bucket = buckets[checkIndex(index)];
    return bucket == null ? List.of() : bucket.entries();
  }

  /** The contact of bucket {@code index} currently being probed by ping-before-evict, if any. */
  public Optional<Contact> pendingProbe(int index) {
    KBucket bucket = buckets[checkIndex(index)];
    return bucket == null ? Optional.empty() : bucket.pendingProbe();
  }

  public int bucketSize(int index) {
    KBucket bucket = buckets[checkIndex(index)];
    return bucket == null ? 0 : bucket.size();
  }

  /** Records that a lookup covered bucket {@code index} at {@code nowMillis} (it needs no refresh for a while). */
  public void touchBucket(int index, long nowMillis) {
    lastLookup[checkIndex(index)] = nowMillis;
  }

  /** Records a lookup of {@code target}: touches the bucket the target falls in. */
  public void touchTarget(NodeId target, long nowMillis) {
    int index = self.bucketIndex(target);
    if (index >= 0) {
      lastLookup[index] = nowMillis;
    }
  }

  /**
   * Bucket indices, ascending, that saw no lookup for at least {@code interval}. Only buckets from the closest
   * non-empty one up to 255 are candidates: the buckets nearer to us than any known contact are almost surely empty
   * in the network too and are covered by the self-lookup of bootstrap. Empty for an empty table.
   */
  public List<Integer> bucketsNeedingRefresh(long nowMillis, Duration interval) {
    long limit = interval.toMillis();
    List<Integer> out = new ArrayList<>();
    int lowest = lowestNonEmptyBucket();
    if (lowest < 0) {
      return out;
    }
    for (int i = lowest; i < BUCKETS; i++) {
      if (nowMillis - lastLookup[i] >= limit) {
        out.add(i);
      }
    }
    return out;
  }

  /** Same, with the configured {@code bucket-refresh-interval}. */
  public List<Integer> bucketsNeedingRefresh(long nowMillis) {
    return bucketsNeedingRefresh(nowMillis, settings.bucketRefreshInterval());
  }

  /**
   * A uniformly random id falling in bucket {@code index} (shares our bits above {@code index}, differs at it, random
   * below): the target of a refresh lookup.
   */
  public NodeId randomIdInBucket(int index, Random random) {
    checkIndex(index);
    byte[] id = self.toBytes();
    byte[] noise = new byte[NodeId.LENGTH];
    random.nextBytes(noise);
    int byteIndex = NodeId.LENGTH - 1 - (index >> 3);
    int bit = index & 7;
    int lowMask = (1 << bit) - 1;
    id[byteIndex] = (byte) (((id[byteIndex] & 0xff) & ~lowMask & ~(1 << bit))
        | (~(id[byteIndex] & 0xff) & (1 << bit)) | (noise[byteIndex] & lowMask));
    for (int i = byteIndex + 1; i < NodeId.LENGTH; i++) {
      id[i] = noise[i];
    }
    return NodeId.of(id);
  }

  /** The bucket size currently applied to every bucket. */
  public int currentK() {
    return k;
  }

  /** Applies bucket size {@code k} to every bucket (see {@link KBucket#setCapacity} for what shrinking keeps). */
  public void setK(int newK) {
    if (newK < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + newK);
    }
    k = newK;
    int total = 0;
    for (KBucket bucket : buckets) {
      if (bucket != null) {
        bucket.setCapacity(newK);
        total += bucket.size();
      }
    }
    size = total;
  }

  /** Applies the churn estimator's recommendation ({@link ChurnEstimator#recommendedK}) and returns the new k. */
  public int adaptK(long nowMillis) {
    int recommended = churn.recommendedK(nowMillis, size);
    if (recommended != k) {
      setK(recommended);
    }
    return k;
  }

  /** The churn signal behind adaptive k. */
  public ChurnEstimator churn() {
    return churn;
  }

  /** Contacts lost per minute over the churn window, for telemetry. */
  public double churnPerMinute(long nowMillis) {
    return churn.churnPerMinute(nowMillis);
  }

  private KBucket bucketOf(NodeId id) {
    int index = self.bucketIndex(id);
    return index < 0 ? null : buckets[index];
  }

  private boolean bucketNonEmpty(int i) {
    KBucket bucket = buckets[i];
    return bucket != null && !bucket.isEmpty();
  }

  private int lowestNonEmptyBucket() {
    for (int i = 0; i < BUCKETS; i++) {
      if (bucketNonEmpty(i)) {
        return i;
      }
    }
    return -1;
  }

  /** Bit {@code i} (0 = least significant) of self XOR target. */
  private int xorBit(NodeId target, int i) {
    int byteIndex = NodeId.LENGTH - 1 - (i >> 3);
    return ((self.byteAt(byteIndex) ^ target.byteAt(byteIndex)) >>> (i & 7)) & 1;
  }

  private static int checkIndex(int index) {
    if (index < 0 || index >= BUCKETS) {
      throw new IllegalArgumentException("bucket index must be 0..255, got " + index);
    }
    return index;
  }

  /** Appends the bucket's contacts closest to {@code target}, closest first, until {@code out} holds n. */
  private static void take(KBucket bucket, NodeId target, int n, List<Contact> out) {
    if (bucket == null) {
      return;
    }
    int need = n - out.size();
    int m = bucket.size();
    if (m <= need) {
      int from = out.size();
      for (int i = 0; i < m; i++) {
        out.add(bucket.contactAt(i));
      }
      Collections.sort(out.subList(from, out.size()), (a, c) -> target.compareDistance(a.id(), c.id()));
      return;
    }
    // Bounded selection: keep the `need` closest in a sorted array; O(m) comparisons plus rare insertions.
    Contact[] best = new Contact[need];
    int filled = 0;
    for (int i = 0; i < m; i++) {
      Contact c = bucket.contactAt(i);
      if (filled == need && target.compareDistance(c.id(), best[need - 1].id()) >= 0) {
        continue;
      }
      int at = filled == need ? need - 1 : filled++;
      while (at > 0 && target.compareDistance(c.id(), best[at - 1].id()) < 0) {
        best[at] = best[at - 1];
        at--;
      }
      best[at] = c;
    }
    Collections.addAll(out, best);
  }
}
