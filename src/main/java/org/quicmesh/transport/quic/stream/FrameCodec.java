package org.quicmesh.transport.quic.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.quicmesh.wire.FrameTooLargeException;
import org.quicmesh.wire.Frames;
import org.quicmesh.wire.Limits;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.WireCodec;
import org.quicmesh.wire.WireFormatException;

/**
 * The one frame encoder and decoder of the QUIC transport, used by the RPC path (one frame each way on a request
 * stream) and by the stream stages alike: each frame is a varint length ({@link Frames}: the header rules) followed by
 * that many body bytes. Limits are checked before anything is allocated for a frame: {@link #encode(byte[],
 * ByteBufAllocator)} refuses a body out of bounds before it allocates a buffer, {@link #tryDecode(ByteBuf)} refuses a
 * header declaring too much as soon as its first bytes prove it, before the body is awaited.
 *
 * <p>Buffer ownership: {@code encode} returns a buffer the caller owns (writing it to a channel hands it on);
 * {@code tryDecode} copies the body out (frames are bounded and small, and a copy ends all ownership questions) and
 * never retains its input.
 */
public final class FrameCodec {
  /** A frame length fits in an int, so its varint has at most 5 bytes. */
  public static final int MAX_HEADER_BYTES = Limits.MAX_VARINT_BYTES;
  /** Protocol messages: non-empty {@link WireCodec} bodies up to {@link WireCodec#MAX_MESSAGE_BYTES}. */
  public static final FrameCodec MESSAGES = new FrameCodec(1, WireCodec.MAX_MESSAGE_BYTES);

  private final int minFrameBytes;
  private final int maxFrameBytes;

  private FrameCodec(int minFrameBytes, int maxFrameBytes) {
    if (maxFrameBytes < minFrameBytes) {
      throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes + " below " + minFrameBytes);
    }
    this.minFrameBytes = minFrameBytes;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Raw byte frames: bodies of 0 to {@code maxFrameBytes} bytes. */
  public static FrameCodec bytes(int maxFrameBytes) {
    return new FrameCodec(0, maxFrameBytes);
  }

  /** Largest body this codec writes or accepts. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /**
   * One message as one frame, in a single direct buffer owned by the caller.
   *
   * @throws IllegalArgumentException if the message encodes to more than {@link WireCodec#MAX_MESSAGE_BYTES}
   */
  public static ByteBuf encode(Message message, ByteBufAllocator alloc) {
    return MESSAGES.encode(checkedBody(message), alloc);
  }

  /**
   * One message as one frame in a heap buffer that wraps the encoding without copying it: for writers that copy
   * anyway, such as {@link QuicStreamSink}, which gathers small frames into one direct buffer.
   *
   * @throws IllegalArgumentException if the message encodes to more than {@link WireCodec#MAX_MESSAGE_BYTES}
   */
  public static ByteBuf wrap(Message message) {
    byte[] body = checkedBody(message);
    byte[] header = new byte[MAX_HEADER_BYTES];
    return Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(header, 0, Frames.writeVarint(body.length, header, 0)),
        Unpooled.wrappedBuffer(body));
  }

  private static byte[] checkedBody(Message message) {
    byte[] body = WireCodec.encode(message);
    if (body.length > MESSAGES.maxFrameBytes) {
      throw new IllegalArgumentException(message.getClass().getSimpleName() + " encodes to " + body.length
          + " bytes, more than the limit of " + MESSAGES.maxFrameBytes);
    }
    return body;
  }

  /**
   * {@code body} as one frame (header and body) in a single direct buffer owned by the caller.
   *
   * @throws IllegalArgumentException if the body is shorter or longer than this codec allows
   */
  public ByteBuf encode(byte[] body, ByteBufAllocator alloc) {
    if (body.length < minFrameBytes || body.length > maxFrameBytes) {
      throw new IllegalArgumentException("frame body of " + body.length + " bytes, allowed " + minFrameBytes + ".."
          + maxFrameBytes);
    }
    ByteBuf out = alloc.directBuffer(headerSize(body.length) + body.length);
    writeHeader(out, body.length);
    out.writeBytes(body);
    return out;
  }

  /**
   * Removes the frame at the front of {@code in} and returns its body, or returns null (consuming nothing) while the
   * frame is incomplete.
   *
   * @throws FrameTooLargeException if the header declares more than {@link #maxFrameBytes()}
   * @throws WireFormatException if the header is malformed or declares less than this codec allows (an empty message)
   */
  public byte[] tryDecode(ByteBuf in) throws WireFormatException {
    // At most one header's worth: nioBuffer of a composite buffer may copy.
    ByteBuffer header = in.nioBuffer(in.readerIndex(), Math.min(in.readableBytes(), MAX_HEADER_BYTES));
    int length = Frames.tryReadVarint(header, maxFrameBytes);
    if (length < 0) {
      return null;
    }
    if (length < minFrameBytes) {
      throw new WireFormatException("empty frame");
    }
    int headerLength = header.position();
    if (in.readableBytes() - headerLength < length) {
      return null;
    }
    in.skipBytes(headerLength);
    byte[] body = new byte[length];
    in.readBytes(body);
    return body;
  }

  /** Number of bytes of the varint header for a body of {@code length} bytes. */
  public static int headerSize(int length) {
    return Frames.varintSize(length);
  }

  /** Writes the varint header for a body of {@code length} bytes (tests use it to forge hostile headers). */
  public static void writeHeader(ByteBuf out, int length) {
    byte[] header = new byte[MAX_HEADER_BYTES];
    out.writeBytes(header, 0, Frames.writeVarint(length, header, 0));
  }
}
