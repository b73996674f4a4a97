package org.quicmesh.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Incremental decoder of a stream of frames ({@link Frames}): feed it chunks split anywhere, get every complete message
 * in order. Not thread-safe: one instance per stream.
 *
 * <p>A body buffer is allocated only after its header passed the size check, and only for that size. After any
 * {@link WireFormatException} the stream cannot be resynchronized: the decoder refuses further input and the caller
 * should close the stream. At end of stream call {@link #finish()} to detect a truncated last frame.
 */
public final class FrameDecoder {
  private final int maxFrameBytes;
  private final byte[] header = new byte[Limits.MAX_VARINT_BYTES];
  private int headerLength;
  private int bodyHeaderLength;
  private byte[] body;
  private int bodyFilled;
  private WireFormatException failure;

  /** A decoder accepting frames up to {@link Limits#MAX_FRAME_BYTES}. */
  public FrameDecoder() {
    this(Limits.MAX_FRAME_BYTES);
  }

  /** A decoder with a tighter frame limit (for streams that only carry small messages). */
  public FrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes < 1 || maxFrameBytes > Limits.MAX_FRAME_BYTES) {
      throw new IllegalArgumentException("maxFrameBytes must be 1.." + Limits.MAX_FRAME_BYTES);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Consumes all of {@code chunk}, returning the messages it completed. */
  public List<Message> feed(byte[] chunk) throws WireFormatException {
    return feed(chunk, 0, chunk.length);
  }

  /** Consumes {@code chunk[offset, offset + length)}, returning the messages it completed. */
  public List<Message> feed(byte[] chunk, int offset, int length) throws WireFormatException {
    List<Message> out = new ArrayList<>(2);
    feed(ByteBuffer.wrap(chunk, offset, length), out::add);
    return out;
  }

  /**
   * Consumes the remaining bytes of {@code chunk}, handing each completed message to {@code sink} as soon as it is
   * complete (so messages before a bad frame in the same chunk are still delivered).
   */
  public void feed(ByteBuffer chunk, Consumer<? super Message> sink) throws WireFormatException {
    if (failure != null) {
      throw new WireFormatException("stream already failed: " + failure.getMessage(), failure);
    }
    try {
      while (chunk.hasRemaining()) {
        if (body == null) {
          readHeaderByte(chunk);
        } else {
          int n = Math.min(chunk.remaining(), body.length - bodyFilled);
          chunk.get(body, bodyFilled, n);
          bodyFilled += n;
          if (bodyFilled == body.length) {
            byte[] complete = body;
            body = null;
            sink.accept(WireCodec.decode(complete));
          }
        }
      }
    } catch (WireFormatException e) {
      failure = e;
      throw e;
    }
  }

  private void readHeaderByte(ByteBuffer chunk) throws WireFormatException {
    header[headerLength++] = chunk.get();
    int length = Frames.tryReadLength(ByteBuffer.wrap(header, 0, headerLength), maxFrameBytes);
    if (length >= 0) {
      bodyHeaderLength = headerLength;
      headerLength = 0;
      body = new byte[length];
      bodyFilled = 0;
    }
  }

  /** True when no partial frame is buffered (the stream may end here). */
  public boolean isIdle() {
    return headerLength == 0 && body == null;
  }

  /** Bytes of the current partial frame (header included) received so far. */
  public int bufferedBytes() {
    return body == null ? headerLength : bodyHeaderLength + bodyFilled;
  }

  /** Call at end of stream: fails if the stream ended inside a frame. */
  public void finish() throws WireFormatException {
    if (failure != null) {
      throw new WireFormatException("stream already failed: " + failure.getMessage(), failure);
    }
    if (!isIdle()) {
      String detail = body == null
          ? "inside a frame header (" + headerLength + " bytes)"
          : "after " + bodyFilled + " of " + body.length + " body bytes";
      failure = new WireFormatException("truncated frame: stream ended " + detail);
      throw failure;
    }
  }
}
