package org.quicmesh.dht;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/**
 * One Kademlia k-bucket: up to {@code capacity} verified contacts in least-recently-seen order, plus a bounded
 * replacement cache of contacts waiting for a slot (newest first).
 *
 * <p>Policy: a contact that answers us moves to the most-recently-seen end; when the bucket is full the
 * least-recently-seen contact is probed before anyone is evicted (long-lived contacts are the most likely to stay
 * online), with at most one probe in flight per bucket. Plain synchronous logic, not thread-safe: one owner (the
 * bucket's actor or the routing table's owner) calls it. Sizes are small (k &lt;= 30, cache &lt;= a few dozen), so
 * lists with linear scans beat hashing here.
 */
final class KBucket {
  private final int replacementCacheSize;
  private final int maxConsecutiveFailures;
  private final long probeExpiryMillis;
  /** Index 0 = least recently seen; ordered by lastSeen when time is monotonic. */
  private final ArrayList<Entry> live;
  /** Last element = newest. Only contacts believed alive (no failures) live here. */
  private final ArrayList<Entry> cache = new ArrayList<>(2);
  private int capacity;
  private Entry probing;
  private long probeSinceMillis;

  /**
   * @param capacity k, the number of live contacts kept (&gt;= 1)
   * @param replacementCacheSize bound of the replacement cache (&gt;= 0)
   * @param maxConsecutiveFailures failed RPCs in a row after which {@link #markFailed} drops a contact (&gt;= 1)
   * @param probeExpiryMillis after this long without an outcome, a pending probe no longer blocks a new one
   */
  public KBucket(int capacity, int replacementCacheSize, int maxConsecutiveFailures, long probeExpiryMillis) {
    if (capacity < 1 || replacementCacheSize < 0 || maxConsecutiveFailures < 1 || probeExpiryMillis <= 0) {
      throw new IllegalArgumentException("bad bucket parameters");
    }
    this.capacity = capacity;
    this.replacementCacheSize = replacementCacheSize;
    this.maxConsecutiveFailures = maxConsecutiveFailures;
    this.probeExpiryMillis = probeExpiryMillis;
    this.live = new ArrayList<>(Math.min(capacity, 4));
  }

  /**
   * Records that {@code contact} answered us (or connected with a verified identity) at {@code nowMillis}. Never call
   * this for contacts only heard about from third parties.
   */
  public ObserveResult observe(Contact contact, long nowMillis) {
    int i = indexOf(live, contact.id());
    if (i >= 0) {
      Entry e = live.remove(i);
      e.contact = contact;
      e.lastSeen = nowMillis;
      e.failures = 0;
      live.add(e);
      if (probing == e) {
        probing = null; // it just answered: as good as a probe reply
      }
      return new ObserveResult.Refreshed(contact);
    }
    int c = indexOf(cache, contact.id());
    Entry e;
    if (c >= 0) {
      e = cache.remove(c);
      e.contact = contact;
      e.lastSeen = nowMillis;
    } else {
      e = new Entry(contact, nowMillis);
    }
    if (live.size() < capacity) {
      live.add(e);
      return new ObserveResult.Added(contact);
    }
    park(e);
    if (probing != null && nowMillis - probeSinceMillis < probeExpiryMillis && live.contains(probing)) {
      return new ObserveResult.Parked(contact, probing.contact);
    }
    probing = live.get(0);
    probeSinceMillis = nowMillis;
    return new ObserveResult.PingBeforeEvict(probing.contact, contact);
  }

  /**
   * The probed (or any live) contact answered: it is kept and moved to the most-recently-seen end; parked newcomers
   * stay in the cache. Returns false if the id is not in the bucket (e.g. removed meanwhile).
   */
  public boolean probeAnswered(NodeId id, long nowMillis) {
    int i = indexOf(live, id);
    if (i < 0) {
      return false;
    }
    Entry e = live.remove(i);
    e.lastSeen = nowMillis;
    e.failures = 0;
    live.add(e);
    if (probing == e) {
      probing = null;
    }
    return true;
  }

  /**
   * The probe of {@code id} failed or timed out: the contact is removed and the newest replacement-cache entry takes
   * its slot. Returns true if a live contact was removed.
   */
  public boolean probeFailed(NodeId id) {
    return removeAndRefill(id);
  }

  /**
   * A request to {@code id} failed. After {@code maxConsecutiveFailures} failures in a row the contact is dropped and
   * replaced from the cache (returns true), if the cache has a replacement: with none, it stays, stale, until one
   * turns up (as the Kademlia paper says, so a burst of timeouts under load does not flush healthy nodes out of
   * every table; a stale contact is the first evicted when the bucket fills). A failing cache entry is simply dropped
   * from the cache (returns false: it was not a live contact).
   */
  public boolean markFailed(NodeId id) {
    int i = indexOf(live, id);
    if (i < 0) {
      int c = indexOf(cache, id);
      if (c >= 0) {
        cache.remove(c);
      }
      return false;
    }
    Entry e = live.get(i);
    e.failures++;
    if (e.failures < maxConsecutiveFailures || cache.isEmpty()) {
      return false;
    }
    return removeAndRefill(id);
  }

  /**
   * Removes {@code id} from the bucket and the cache (e.g. it proved to be someone else); a freed live slot is refilled
   * from the cache. Returns true if it was a live contact.
   */
  public boolean remove(NodeId id) {
    int c = indexOf(cache, id);
    if (c >= 0) {
      cache.remove(c);
    }
    return removeAndRefill(id);
  }

  /**
   * Changes k. Shrinking moves the least established contacts (failing ones first, then the most recently first-seen)
   * into the replacement cache, so the longest-lived live contacts stay; growing refills from the cache, newest first.
   */
  public void setCapacity(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    capacity = k;
    while (live.size() > capacity) {
      Entry victim = leastEstablished();
      live.remove(victim);
      if (probing == victim) {
        probing = null;
      }
      if (victim.failures == 0) {
        park(victim); // still believed alive: first in line when k grows again
      }
    }
    refill();
  }

  public int capacity() {
    return capacity;
  }

  public int size() {
    return live.size();
  }

  public boolean isEmpty() {
    return live.isEmpty();
  }

  public boolean isFull() {
    return live.size() >= capacity;
  }

  public boolean contains(NodeId id) {
    return indexOf(live, id) >= 0;
  }

  /** Live contacts, least recently seen first. */
  public List<Contact> contacts() {
    List<Contact> out = new ArrayList<>(live.size());
    for (Entry e : live) {
      out.add(e.contact);
    }
    return out;
  }

  /** Live contacts with their timestamps and failure counts, least recently seen first. */
  public List<ContactInfo> entries() {
    List<ContactInfo> out = new ArrayList<>(live.size());
    for (Entry e : live) {
      out.add(e.info());
    }
    return out;
  }

  /** Parked contacts, newest first. */
  public List<Contact> replacements() {
    List<Contact> out = new ArrayList<>(cache.size());
    for (int i = cache.size() - 1; i >= 0; i--) {
      out.add(cache.get(i).contact);
    }
    return out;
  }

  public Optional<ContactInfo> find(NodeId id) {
    int i = indexOf(live, id);
    return i < 0 ? Optional.empty() : Optional.of(live.get(i).info());
  }

  /** The contact currently being probed (ping-before-evict), if any. */
  public Optional<Contact> pendingProbe() {
    return probing == null ? Optional.empty() : Optional.of(probing.contact);
  }

  /** Live contact at position i (0 = least recently seen), without copying; for the routing table's hot path. */
  Contact contactAt(int i) {
    return live.get(i).contact;
  }

  private boolean removeAndRefill(NodeId id) {
    int i = indexOf(live, id);
    if (i < 0) {
      return false;
    }
    Entry e = live.remove(i);
    if (probing == e) {
      probing = null;
    }
    refill();
    return true;
  }

  /** Moves the newest cache entries into free slots, keeping the live list ordered by last seen. */
  private void refill() {
    while (live.size() < capacity && !cache.isEmpty()) {
      Entry e = cache.remove(cache.size() - 1);
      int at = live.size();
      while (at > 0 && live.get(at - 1).lastSeen > e.lastSeen) {
        at--;
      }
      live.add(at, e);
    }
  }

  private void park(Entry e) {
    if (replacementCacheSize == 0) {
      return;
    }
    cache.add(e);
    if (cache.size() > replacementCacheSize) {
      cache.remove(0); // oldest parked contact goes
    }
  }

  /** Failing contacts first (most failures), then the latest first-seen (least established), then least recent. */
  private Entry leastEstablished() {
    Entry worst = live.get(0);
    for (int i = 1; i < live.size(); i++) {
      Entry e = live.get(i);
      if (e.failures != worst.failures ? e.failures > worst.failures : e.firstSeen > worst.firstSeen) {
        worst = e;
      }
    }
    return worst;
  }

  private static int indexOf(List<Entry> list, NodeId id) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).contact.id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  private static final class Entry {
    Contact contact;
    final long firstSeen;
    long lastSeen;
    int failures;

    Entry(Contact contact, long now) {
      this.contact = contact;
      this.firstSeen = now;
      this.lastSeen = now;
    }

    ContactInfo info() {
      return new ContactInfo(contact, firstSeen, lastSeen, failures);
    }
  }
}
