package org.quicmesh.transport.quic;

/** Application error codes we reset streams with (QUIC RESET_STREAM / STOP_SENDING). */
final class StreamErrors {
  /** The connection's peer certificate could not be verified. */
  static final int BAD_CERTIFICATE = 0x101;
  /** The bytes could not be framed (bad or oversized length, truncation, more than one frame). */
  static final int MALFORMED = 0x102;
  /** The receiving node's handler failed or gave no response. */
  static final int HANDLER_FAILED = 0x103;
  /** The request was abandoned (timeout, shutdown). */
  static final int CANCELLED = 0x104;
  /** The peer already has as many requests in flight to the receiving node as its limit allows. */
  static final int LIMIT_INFLIGHT_REQUESTS = 0x105;
  /** The receiving node's budget for inbound request bytes (over all peers) is used up. */
  static final int LIMIT_INBOUND_BYTES = 0x106;
  /** The peer started more requests this second than the receiving node's per-peer rate allows. */
  static final int LIMIT_REQUEST_RATE = 0x107;

  private StreamErrors() {}

  /** What a reset with {@code code} means, for the caller's error message; null for codes without a refusal. */
  static String refusal(long code) {
    if (code == LIMIT_INFLIGHT_REQUESTS) {
      return "too many requests in flight from us (the peer's per-peer limit)";
    }
    if (code == LIMIT_INBOUND_BYTES) {
      return "the peer's inbound request memory is exhausted";
    }
    if (code == LIMIT_REQUEST_RATE) {
      return "too many requests per second from us (the peer's per-peer rate)";
    }
    return null;
  }
}
