package org.quicmesh.transport.sim;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parcels on their way through relays, by token. A parcel is claimed once, when its frame arrives; one whose frame
 * the network or a relay dropped is forgotten after {@link #TTL}, far longer than any simulated path takes, so lost
 * frames cost no memory for long. Tokens count up from 1, so runs replay.
 */
final class SimParcels {
  static final Duration TTL = Duration.ofSeconds(60);

  private record Held(SimParcel parcel, long expiresAtMillis) {}

  private final Clock clock;
  /** In insertion order, which is expiry order: the clock never goes back. */
  private final LinkedHashMap<Long, Held> held = new LinkedHashMap<>();
  private long nextToken = 1;

  SimParcels(Clock clock) {
    this.clock = clock;
  }

  /** Holds {@code parcel} until claimed or expired; returns its token. */
  synchronized long hold(SimParcel parcel) {
    long now = clock.millis();
    forgetExpired(now);
    long token = nextToken++;
    held.put(token, new Held(parcel, now + TTL.toMillis()));
    return token;
  }

  /** The parcel of {@code token}, removed; null when there is none (never held, claimed already, or expired). */
  synchronized SimParcel claim(long token) {
    Held h = held.remove(token);
    return h == null || h.expiresAtMillis() < clock.millis() ? null : h.parcel();
  }

  /** How many parcels are held (expired ones included until the next {@link #hold}). */
  synchronized int size() {
    return held.size();
  }

  private void forgetExpired(long now) {
    Iterator<Map.Entry<Long, Held>> oldest = held.entrySet().iterator();
    while (oldest.hasNext() && oldest.next().getValue().expiresAtMillis() < now) {
      oldest.remove();
    }
  }
}
