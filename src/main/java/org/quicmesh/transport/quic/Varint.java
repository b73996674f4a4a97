package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * Unsigned LEB128 varints (7 bits per byte, low bits first, high bit = more follows) for frame lengths. All varint
 * code of the transport lives here so a shared wire-level implementation can replace it in one place.
 */
final class Varint {
  /** A 32-bit value never needs more than five bytes. */
  static final int MAX_BYTES = 5;

  private Varint() {}

  /**
   * Reads one varint starting at the reader index. If complete, advances the reader index past it and returns the
   * value; if more bytes are needed, leaves the index and returns -1.
   *
   * @throws CorruptedFrameException if the varint is longer than five bytes or exceeds a 32-bit signed int
   */
  static long read(ByteBuf in) {
    int index = in.readerIndex();
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      if (index + i >= in.writerIndex()) {
        return -1;
      }
      int b = in.getUnsignedByte(index + i);
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (value > Integer.MAX_VALUE) {
          throw new CorruptedFrameException("varint exceeds 31 bits");
        }
        in.readerIndex(index + i + 1);
        return value;
      }
    }
    throw new CorruptedFrameException("varint longer than " + MAX_BYTES + " bytes");
  }

  static void write(ByteBuf out, int value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative varint " + value);
    }
    int v = value;
    while ((v & ~0x7F) != 0) {
      out.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  static int encodedLength(int value) {
    int bytes = 1;
    for (int v = value >>> 7; v != 0; v >>>= 7) {
      bytes++;
    }
    return bytes;
  }
}
