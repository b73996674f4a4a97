package org.quicmesh.dht;

import org.quicmesh.wire.Rejected.Reason;

/** The outcome of {@link RecordStore#store}: the value is held, or the request was refused for a wire reason. */
sealed interface StoreResult {

  /**
   * The value is held until {@code expiresAtMillis}.
   *
   * @param refreshed true if the key was already held and only its expiry moved (no quota charged again)
   */
  record Stored(boolean refreshed, long expiresAtMillis) implements StoreResult {}

  /** Refused; {@code reason} goes on the wire in a {@link org.quicmesh.wire.Rejected}, {@code detail} is for logs. */
  record Rejected(Reason reason, String detail) implements StoreResult {
    /** The wire answer for this refusal. */
    public org.quicmesh.wire.Rejected toWire() {
      return new org.quicmesh.wire.Rejected(reason, detail);
    }
  }
}
