package org.quicmesh.transport.quic;

/** Application error codes we reset streams with (QUIC RESET_STREAM / STOP_SENDING). */
final class StreamErrors {
  /** The request's {@code from} is not the connection's verified peer. */
  static final int FROM_MISMATCH = 0x101;
  /** The frame or message could not be decoded. */
  static final int MALFORMED = 0x102;
  /** The receiving node's handler failed or gave no response. */
  static final int HANDLER_FAILED = 0x103;
  /** The request was abandoned (timeout, shutdown). */
  static final int CANCELLED = 0x104;

  private StreamErrors() {}
}
