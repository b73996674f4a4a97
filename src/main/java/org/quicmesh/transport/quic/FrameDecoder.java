package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;
import java.util.function.LongConsumer;
import org.quicmesh.transport.quic.stream.VarintFrames;
import org.quicmesh.wire.Frames;
import org.quicmesh.wire.WireCodec;
import org.quicmesh.wire.WireFormatException;

/**
 * Splits a request stream into frames ({@link Frames} layout: varint length + body) and emits each body as a
 * {@code byte[]} (copied: frames are small and the copy ends all ByteBuf ownership questions). A length over
 * {@link WireCodec#MAX_MESSAGE_BYTES} fails with {@link TooLongFrameException} before anything is buffered for it, a
 * malformed or empty header with {@link CorruptedFrameException}. After a bad frame it discards all further input: the
 * handler behind it closes the stream.
 */
final class FrameDecoder extends ByteToMessageDecoder {
  private final LongConsumer bytesReceived;
  private boolean failed;

  FrameDecoder(LongConsumer bytesReceived) {
    this.bytesReceived = bytesReceived;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int start = in.readerIndex();
    int length;
    try {
      // No limit here: an oversized length is told apart from a malformed header (the rejection counters differ).
      length = VarintFrames.tryReadLength(in, Integer.MAX_VALUE);
    } catch (WireFormatException e) {
      failed = true;
      throw new CorruptedFrameException(e.getMessage());
    }
    if (length < 0) {
      return;
    }
    if (length == 0 || length > WireCodec.MAX_MESSAGE_BYTES) {
      failed = true;
      throw length == 0 ? new CorruptedFrameException("empty frame")
          : new TooLongFrameException("frame of " + length + " bytes exceeds " + WireCodec.MAX_MESSAGE_BYTES);
    }
    if (in.readableBytes() < length) {
      in.readerIndex(start);
      return;
    }
    byte[] body = new byte[length];
    in.readBytes(body);
    bytesReceived.accept(in.readerIndex() - start);
    out.add(body);
  }
}
