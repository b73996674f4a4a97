package org.quicmesh.wire;

import java.nio.ByteBuffer;

/**
 * Framing: each message travels as an unsigned LEB128 varint length followed by that many bytes of CBOR
 * ({@link WireCodec}). The varint must be minimal (no redundant {@code 0x80 .. 0x00} padding) and the length between 1
 * and {@link Limits#MAX_FRAME_BYTES}; a header declaring more is refused as soon as enough of it is read to know,
 * before the body is awaited or anything is allocated.
 *
 * <p>Netty-free on purpose: the simulated transport uses it directly, and a Netty {@code ByteToMessageDecoder} wraps
 * {@link #tryReadLength(ByteBuffer)} over {@code in.nioBuffer(in.readerIndex(), in.readableBytes())}, or feeds a
 * {@link FrameDecoder}.
 */
public final class Frames {
  private Frames() {}

  /** Length prefix plus CBOR body of {@code message}. */
  public static byte[] encodeFrame(Message message) {
    return frame(WireCodec.encode(message));
  }

  /** Prefixes an already encoded body with its length. */
  public static byte[] frame(byte[] body) {
    if (body.length == 0 || body.length > Limits.MAX_FRAME_BYTES) {
      throw new IllegalArgumentException("frame body of " + body.length + " bytes, allowed 1.."
          + Limits.MAX_FRAME_BYTES);
    }
    byte[] frame = new byte[varintSize(body.length) + body.length];
    int headerLength = writeVarint(body.length, frame, 0);
    System.arraycopy(body, 0, frame, headerLength, body.length);
    return frame;
  }

  /** Decodes a buffer that holds exactly one complete frame (a request or response stream). */
  public static Message decodeFrame(byte[] frame) throws WireFormatException {
    ByteBuffer buffer = ByteBuffer.wrap(frame);
    int length = tryReadLength(buffer);
    if (length < 0 || buffer.remaining() < length) {
      throw new WireFormatException("truncated frame: " + frame.length + " bytes");
    }
    if (buffer.remaining() > length) {
      throw new WireFormatException((buffer.remaining() - length) + " bytes after the frame");
    }
    return WireCodec.decode(frame, buffer.position(), length);
  }

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

  /** {@link #tryReadLength(ByteBuffer, int)} with {@link Limits#MAX_FRAME_BYTES}. */
  public static int tryReadLength(ByteBuffer buffer) throws WireFormatException {
    return tryReadLength(buffer, Limits.MAX_FRAME_BYTES);
  }

  /**
   * Reads a frame header at the buffer's position. Returns the body length and advances the position past the header,
   * or returns -1 with the position unchanged when the header is not complete yet. Uses absolute reads only, so a
   * caller can retry with more bytes.
   *
   * @throws WireFormatException if the length is 0, exceeds {@code maxFrameBytes} (detected from the first bytes that
   *     prove it, without waiting for the rest), is not minimally encoded, or the varint is longer than
   *     {@link Limits#MAX_VARINT_BYTES}.
   */
  public static int tryReadLength(ByteBuffer buffer, int maxFrameBytes) throws WireFormatException {
    int start = buffer.position();
    int value = tryReadVarint(buffer, maxFrameBytes);
    if (value == 0) {
      buffer.position(start);
      throw new WireFormatException("empty frame");
    }
    return value;
  }

  /**
   * The varint rules of {@link #tryReadLength(ByteBuffer, int)} without its non-empty rule: for framings where an
   * empty body is legal (raw byte frames on a stream). Returns the value (0 allowed) and advances past it, or -1 with
   * the position unchanged when incomplete.
   *
   * @throws WireFormatException if the value exceeds {@code maxValue}, is not minimally encoded, or is too long
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
        throw new WireFormatException("declared frame length of at least " + value + " bytes exceeds " + maxValue);
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
        throw new WireFormatException("declared frame length of at least " + lowerBound + " bytes exceeds "
            + maxValue);
      }
    }
    throw new WireFormatException("varint length longer than " + Limits.MAX_VARINT_BYTES + " bytes");
  }
}
