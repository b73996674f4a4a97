package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;
import java.util.function.LongConsumer;
import org.quicmesh.wire.WireCodec;

/**
 * Splits a stream into frames (unsigned varint length + body) and emits each body as a {@code byte[]} (copied: frames
 * are small and the copy ends all ByteBuf ownership questions). The length is checked against
 * {@link WireCodec#MAX_MESSAGE_BYTES} before anything is buffered for it. After a bad frame it discards all further
 * input: the handler behind it closes the stream.
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
    long length;
    try {
      length = Varint.read(in);
    } catch (RuntimeException e) {
      failed = true;
      throw e;
    }
    if (length < 0) {
      return;
    }
    if (length > WireCodec.MAX_MESSAGE_BYTES) {
      failed = true;
      throw new TooLongFrameException("frame of " + length + " bytes exceeds " + WireCodec.MAX_MESSAGE_BYTES);
    }
    if (in.readableBytes() < length) {
      in.readerIndex(start);
      return;
    }
    byte[] body = new byte[(int) length];
    in.readBytes(body);
    bytesReceived.accept(in.readerIndex() - start);
    out.add(body);
  }

  /** Bytes of an unfinished frame are still buffered (e.g. when the peer ends the stream mid-frame). */
  boolean hasPartialFrame() {
    return !failed && actualReadableBytes() > 0;
  }
}
