package org.quicmesh.transport.quic.stream;

/**
 * Bounds of the stream stages.
 *
 * @param maxBufferedBytes source: stop reading from the stream once this much is buffered and not consumed (QUIC flow
 *     control then stops the sender); a frame larger than this is still read to its end while downstream waits for it
 * @param maxInFlightBytes sink: stop pulling once this much is encoded but not yet accepted by the QUIC stream
 * @param maxFrameBytes largest frame body accepted by framed sources
 * @param meter optional observer of the bytes a stage holds (null: none)
 */
public record StreamSettings(int maxBufferedBytes, long maxInFlightBytes, int maxFrameBytes, BufferMeter meter) {
  public static final int DEFAULT_MAX_BUFFERED_BYTES = 1 << 20;
  public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 4L << 20;

  public StreamSettings {
    if (maxBufferedBytes <= 0 || maxInFlightBytes <= 0 || maxFrameBytes < 0) {
      throw new IllegalArgumentException("stream bounds must be positive");
    }
  }

  /** Defaults for protocol messages: 1 MB read-ahead, 4 MB write-behind, frames up to the wire codec limit. */
  public static StreamSettings defaults() {
    return new StreamSettings(DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_IN_FLIGHT_BYTES,
        org.quicmesh.wire.WireCodec.MAX_MESSAGE_BYTES, null);
  }

  public StreamSettings withMaxFrameBytes(int bytes) {
    return new StreamSettings(maxBufferedBytes, maxInFlightBytes, bytes, meter);
  }

  public StreamSettings withMaxBufferedBytes(int bytes) {
    return new StreamSettings(bytes, maxInFlightBytes, maxFrameBytes, meter);
  }

  public StreamSettings withMaxInFlightBytes(long bytes) {
    return new StreamSettings(maxBufferedBytes, bytes, maxFrameBytes, meter);
  }

  public StreamSettings withMeter(BufferMeter newMeter) {
    return new StreamSettings(maxBufferedBytes, maxInFlightBytes, maxFrameBytes, newMeter);
  }

  void record(long bytes) {
    if (meter != null) {
      meter.record(bytes);
    }
  }
}
