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

  private StreamErrors() {}
}
