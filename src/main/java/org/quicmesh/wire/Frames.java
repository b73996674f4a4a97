package org.quicmesh.wire;

import java.nio.ByteBuffer;

/**
 * The frame format: each frame is an unsigned LEB128 varint length followed by that many body bytes (for protocol
 * messages, the {@link WireCodec} encoding). The varint must be minimal (no redundant {@code 0x80 .. 0x00} padding),
 * at most {@link Limits#MAX_VARINT_BYTES} long, and a length above the receiver's limit is refused as soon as enough of
 * the header is read to know, before the body is awaited or anything is allocated.
 *
 * <p>Only the header rules live here, Netty-free; the one frame codec built on them is
 * {@code transport.quic.stream.FrameCodec}, used by the RPC and the stream paths alike.
 */
public final class Frames {
  private Frames() {}

  /** Bytes the varint encoding of a non-negative {@code value} takes. */
  public static int varintSize(int value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative length " + value);
    }
    int size = 1;
    while ((value >>>= 7) != 0) {
      size++;
    }
    return size;
  }

  /** Writes {@code value} as an unsigned LEB128 varint at {@code dst[offset]}; returns the number of bytes written. */
  public static int writeVarint(int value, byte[] dst, int offset) {
    if (value < 0) {
      throw new IllegalArgumentException("negative length " + value);
    }
    int i = offset;
    while ((value & ~0x7f) != 0) {
      dst[i++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    dst[i++] = (byte) value;
    return i - offset;
  }

  /**
   * Reads a frame header at the buffer's position. Returns the value (0 included: whether an empty body is legal is
   * the framing's choice) and advances the position past the header, or returns -1 with the position unchanged when
   * the header is not complete yet. Uses absolute reads only, so a caller can retry with more bytes.
   *
   * @throws FrameTooLargeException if the value exceeds {@code maxValue} (detected from the first bytes that prove it,
   *     without waiting for the rest)
   * @throws WireFormatException if the varint is not minimally encoded or longer than {@link Limits#MAX_VARINT_BYTES}
   */
  public static int tryReadVarint(ByteBuffer buffer, int maxValue) throws WireFormatException {
    int start = buffer.position();
    long value = 0;
    for (int i = 0; i < Limits.MAX_VARINT_BYTES; i++) {
      if (start + i >= buffer.limit()) {
        return -1;
      }
      int b = buffer.get(start + i) & 0xff;
      value |= (long) (b & 0x7f) << (7 * i);
      if (value > maxValue) {
        throw new FrameTooLargeException("declared frame length of at least " + value + " bytes exceeds " + maxValue);
      }
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new WireFormatException("non-minimal varint length");
        }
        buffer.position(start + i + 1);
        return (int) value;
      }
      // More bytes follow and the last one must be non-zero, so the length is at least 2^(7(i+1)).
      long lowerBound = 1L << (7 * (i + 1));
      if (lowerBound > maxValue) {
        throw new FrameTooLargeException("declared frame length of at least " + lowerBound + " bytes exceeds "
            + maxValue);
      }
    }
    throw new WireFormatException("varint length longer than " + Limits.MAX_VARINT_BYTES + " bytes");
  }
}
