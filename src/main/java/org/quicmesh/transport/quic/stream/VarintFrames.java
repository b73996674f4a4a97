package org.quicmesh.transport.quic.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.quicmesh.wire.WireFormatException;

/**
 * Stream framing: each frame is an unsigned LEB128 varint length followed by that many body bytes. The only place that
 * knows the frame layout on a QUIC stream (a Netty-free twin lives in the wire package; they will be unified).
 */
public final class VarintFrames {
  /** A frame length fits in an int, so its varint has at most 5 bytes. */
  public static final int MAX_HEADER_BYTES = 5;

  private VarintFrames() {}

  /** Number of bytes of the varint encoding of {@code length}. */
  public static int headerSize(int length) {
    checkLength(length);
    int size = 1;
    while ((length >>>= 7) != 0) {
      size++;
    }
    return size;
  }

  /** Writes the varint header for a body of {@code length} bytes. */
  public static void writeHeader(ByteBuf out, int length) {
    checkLength(length);
    int value = length;
    while ((value & ~0x7F) != 0) {
      out.writeByte((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  /** A direct buffer holding one whole frame (header and body). */
  public static ByteBuf encode(byte[] body, ByteBufAllocator alloc) {
    ByteBuf out = alloc.directBuffer(headerSize(body.length) + body.length);
    writeHeader(out, body.length);
    out.writeBytes(body);
    return out;
  }

  /**
   * Removes and returns the frame at the front of {@code in}, or returns null (consuming nothing) when the frame is not
   * complete yet.
   *
   * @throws WireFormatException if the header is malformed or announces more than {@code maxFrameBytes}
   */
  public static byte[] tryDecode(ByteBuf in, int maxFrameBytes) throws WireFormatException {
    int start = in.readerIndex();
    int available = in.readableBytes();
    long length = 0;
    int headerBytes = 0;
    while (true) {
      if (headerBytes == available) {
        return null;
      }
      if (headerBytes == MAX_HEADER_BYTES) {
        throw new WireFormatException("frame length varint longer than " + MAX_HEADER_BYTES + " bytes");
      }
      int b = in.getUnsignedByte(start + headerBytes);
      length |= (long) (b & 0x7F) << (7 * headerBytes);
      headerBytes++;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (headerBytes > 1 && (in.getUnsignedByte(start + headerBytes - 1)) == 0) {
      throw new WireFormatException("frame length varint is not minimally encoded");
    }
    if (length > maxFrameBytes) {
      throw new WireFormatException("frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
    }
    if (available - headerBytes < length) {
      return null;
    }
    byte[] body = new byte[(int) length];
    in.skipBytes(headerBytes);
    in.readBytes(body);
    return body;
  }

  private static void checkLength(int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative frame length " + length);
    }
  }
}
