package org.quicmesh.transport.quic.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.quicmesh.wire.Frames;
import org.quicmesh.wire.Limits;
import org.quicmesh.wire.WireFormatException;

/**
 * Stream framing on Netty buffers: each frame is an unsigned LEB128 varint length followed by that many body bytes.
 * A thin adapter over {@link Frames}, the one varint implementation; unlike protocol message frames, raw byte frames
 * may be empty.
 */
public final class VarintFrames {
  /** A frame length fits in an int, so its varint has at most 5 bytes. */
  public static final int MAX_HEADER_BYTES = Limits.MAX_VARINT_BYTES;

  private VarintFrames() {}

  /** Number of bytes of the varint encoding of {@code length}. */
  public static int headerSize(int length) {
    return Frames.varintSize(length);
  }

  /** Writes the varint header for a body of {@code length} bytes. */
  public static void writeHeader(ByteBuf out, int length) {
    byte[] header = new byte[MAX_HEADER_BYTES];
    out.writeBytes(header, 0, Frames.writeVarint(length, header, 0));
  }

  /** A direct buffer holding one whole frame (header and body). */
  public static ByteBuf encode(byte[] body, ByteBufAllocator alloc) {
    ByteBuf out = alloc.directBuffer(headerSize(body.length) + body.length);
    writeHeader(out, body.length);
    out.writeBytes(body);
    return out;
  }

  /**
   * Reads a frame header at the reader index: returns the body length (0 allowed) and advances past the header, or
   * returns -1 and consumes nothing when the header is incomplete.
   *
   * @throws WireFormatException if the header is malformed or announces more than {@code maxFrameBytes}
   */
  public static int tryReadLength(ByteBuf in, int maxFrameBytes) throws WireFormatException {
    // At most one header's worth: nioBuffer of a composite buffer may copy.
    int headerBytes = Math.min(in.readableBytes(), MAX_HEADER_BYTES);
    java.nio.ByteBuffer header = in.nioBuffer(in.readerIndex(), headerBytes);
    int length = Frames.tryReadVarint(header, maxFrameBytes);
    if (length >= 0) {
      in.skipBytes(header.position());
    }
    return length;
  }

  /**
   * Removes and returns the frame at the front of {@code in}, or returns null (consuming nothing) when the frame is not
   * complete yet.
   *
   * @throws WireFormatException if the header is malformed or announces more than {@code maxFrameBytes}
   */
  public static byte[] tryDecode(ByteBuf in, int maxFrameBytes) throws WireFormatException {
    int start = in.readerIndex();
    int length = tryReadLength(in, maxFrameBytes);
    if (length < 0) {
      return null;
    }
    if (in.readableBytes() < length) {
      in.readerIndex(start);
      return null;
    }
    byte[] body = new byte[length];
    in.readBytes(body);
    return body;
  }
}
