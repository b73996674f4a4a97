package org.quicmesh.pubsub;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.quicmesh.identity.NodeId;

/**
 * How long a message's first copy trails its first announcement here (an IHave of a message we had not seen), kept
 * as TCP keeps round-trip times (RFC 6298: a smoothed value and its mean deviation, gains 1/8 and 1/4). IWants wait
 * {@link #waitMillis()}, smoothed + 4 deviations: an ask sent sooner is mostly for a copy already on its way. On a
 * loaded node announcements beat the copies queued behind other traffic by seconds (500 QUIC nodes on 2 cores: 97 %
 * of the ids asked for arrived anyway, each answer one more duplicate on a node already behind).
 *
 * <p>Not every copy is a sample: one from the peer we asked is most likely its answer, and would make the wait feed
 * on itself; one from anybody else after we asked is a sample (we asked too early). Announced messages that never
 * come are forgotten after a horizon. Not thread-safe (owned by the router).
 */
final class AnnouncementLag {
  /** Most messages tracked at once; the oldest go first (an overloaded node still samples the newest). */
  static final int MAX_TRACKED = 10_000;

  private static final class Announced {
    final long atMillis;
    NodeId asked;

    Announced(long atMillis) {
      this.atMillis = atMillis;
    }
  }

  private final long maxWaitMillis;
  /** In order of first announcement. */
  private final LinkedHashMap<MessageId, Announced> tracked = new LinkedHashMap<>();
  private double smoothed = -1;
  private double deviation;
  private long samples;

  /** @param maxWaitMillis the longest wait, whatever the samples (below how long announcers keep what they announce) */
  AnnouncementLag(long maxWaitMillis) {
    if (maxWaitMillis < 0) {
      throw new IllegalArgumentException("maxWaitMillis must be >= 0");
    }
    this.maxWaitMillis = maxWaitMillis;
  }

  /** {@code id}, not seen yet, was announced; only its first announcement counts. */
  void announced(MessageId id, long nowMillis) {
    if (tracked.containsKey(id)) {
      return;
    }
    if (tracked.size() >= MAX_TRACKED) {
      Iterator<Map.Entry<MessageId, Announced>> oldest = tracked.entrySet().iterator();
      oldest.next();
      oldest.remove();
    }
    tracked.put(id, new Announced(nowMillis));
  }

  /** We asked {@code peer} for {@code id}: a copy from that peer is taken for its answer, not sampled. */
  void asked(MessageId id, NodeId peer) {
    Announced a = tracked.get(id);
    if (a != null && a.asked == null) {
      a.asked = peer;
    }
  }

  /** The first copy of {@code id} arrived from {@code from}. */
  void received(MessageId id, NodeId from, long nowMillis) {
    Announced a = tracked.remove(id);
    if (a != null && !from.equals(a.asked)) {
      sample(Math.max(0, nowMillis - a.atMillis));
    }
  }

  /** Forgets messages first announced before {@code cutoffMillis}: their copies are not coming. */
  void expire(long cutoffMillis) {
    Iterator<Announced> it = tracked.values().iterator();
    while (it.hasNext() && it.next().atMillis < cutoffMillis) {
      it.remove();
    }
  }

  private void sample(long lagMillis) {
    samples++;
    if (smoothed < 0) {
      smoothed = lagMillis;
      deviation = lagMillis / 2.0;
    } else {
      deviation = 0.75 * deviation + 0.25 * Math.abs(smoothed - lagMillis);
      smoothed = 0.875 * smoothed + 0.125 * lagMillis;
    }
  }

  /** How long to wait before asking for an announced message: 0 until the first sample. */
  long waitMillis() {
    return smoothed < 0 ? 0 : Math.min(maxWaitMillis, Math.round(smoothed + 4 * deviation));
  }

  long samples() {
    return samples;
  }

  int tracked() {
    return tracked.size();
  }
}
