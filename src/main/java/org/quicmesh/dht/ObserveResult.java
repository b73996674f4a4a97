package org.quicmesh.dht;

import org.quicmesh.wire.Contact;

/**
 * What {@link KBucket#observe} / {@link RoutingTable#observe} did with a verified contact, and whether the caller must
 * probe someone.
 */
sealed interface ObserveResult {

  /** The contact was new and the bucket had room: it is now the most recently seen entry. */
  record Added(Contact contact) implements ObserveResult {}

  /** The contact was already in the bucket: moved to the most-recently-seen end, address updated. */
  record Refreshed(Contact contact) implements ObserveResult {}

  /**
   * The bucket is full: {@code newcomer} is parked in the replacement cache and the caller must ping
   * {@code leastRecentlySeen}, then report {@code probeAnswered} or {@code probeFailed} (a timeout is a failure).
   * (With a replacement cache of size 0 the newcomer is dropped instead of parked.)
   */
  record PingBeforeEvict(Contact leastRecentlySeen, Contact newcomer) implements ObserveResult {}

  /**
   * The bucket is full and a probe of {@code probing} is already in flight: {@code newcomer} is only parked in the
   * replacement cache, no second ping.
   */
  record Parked(Contact newcomer, Contact probing) implements ObserveResult {}

  /** Our own id: never inserted. */
  record IgnoredSelf(Contact contact) implements ObserveResult {}
}
