package org.quicmesh.transport.quic.stream;

/** Application error codes sent in RESET_STREAM / STOP_SENDING by the stream stages. */
public final class StreamErrorCodes {
  /** The reading side no longer wants the data (downstream cancelled). */
  public static final int CANCELLED = 0x51;
  /** The writing side failed before it finished (upstream failure or a failed write). */
  public static final int ABORTED = 0x52;

  private StreamErrorCodes() {}
}
