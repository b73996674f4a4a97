package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;
import java.util.function.LongConsumer;
import org.quicmesh.transport.quic.stream.FrameCodec;
import org.quicmesh.wire.FrameTooLargeException;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.WireFormatException;

/**
 * The request stream's pipeline ends of {@link FrameCodec#MESSAGES}, the codec the message streams use too. They only
 * adapt it to Netty (cumulation, exceptions, byte counters); every framing rule is the codec's.
 */
final class RpcFrames {
  private RpcFrames() {}

  /**
   * Emits each frame body as a {@code byte[]}. A header declaring more than a message may be fails with
   * {@link TooLongFrameException} before anything is buffered for it, a malformed header or empty frame with
   * {@link CorruptedFrameException}. After a bad frame it discards all further input: the handler behind it closes the
   * stream.
   */
  static final class FrameReader extends ByteToMessageDecoder {
    private final LongConsumer bytesReceived;
    private boolean failed;

    FrameReader(LongConsumer bytesReceived) {
      this.bytesReceived = bytesReceived;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (failed) {
        in.skipBytes(in.readableBytes());
        return;
      }
      int start = in.readerIndex();
      byte[] body;
      try {
        body = FrameCodec.MESSAGES.tryDecode(in);
      } catch (FrameTooLargeException e) {
        failed = true;
        throw new TooLongFrameException(e.getMessage());
      } catch (WireFormatException e) {
        failed = true;
        throw new CorruptedFrameException(e.getMessage());
      }
      if (body != null) {
        bytesReceived.accept(in.readerIndex() - start);
        out.add(body);
      }
    }
  }

  /**
   * Writes each {@link Message} as one frame. A message too large to frame fails the write (and so the request)
   * instead of sending what the peer must refuse; nothing is allocated for it.
   */
  static final class FrameWriter extends MessageToMessageEncoder<Message> {
    private final LongConsumer bytesSent;

    FrameWriter(LongConsumer bytesSent) {
      super(Message.class);
      this.bytesSent = bytesSent;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message message, List<Object> out) {
      ByteBuf frame = FrameCodec.encode(message, ctx.alloc());
      bytesSent.accept(frame.readableBytes());
      out.add(frame);
    }
  }
}
