package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.function.LongConsumer;
import org.quicmesh.transport.quic.stream.VarintFrames;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.WireCodec;

/** Writes each {@link Message} as one frame: varint length + CBOR body from {@link WireCodec}. */
final class FrameEncoder extends MessageToByteEncoder<Message> {
  private final LongConsumer bytesSent;

  FrameEncoder(LongConsumer bytesSent) {
    super(Message.class);
    this.bytesSent = bytesSent;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Message message, ByteBuf out) {
    byte[] body = WireCodec.encode(message);
    if (body.length > WireCodec.MAX_MESSAGE_BYTES) {
      // Fails the write (and so the request) instead of sending what the peer must refuse.
      throw new EncoderException(message.getClass().getSimpleName() + " of " + body.length + " bytes exceeds "
          + WireCodec.MAX_MESSAGE_BYTES);
    }
    out.ensureWritable(VarintFrames.headerSize(body.length) + body.length);
    int start = out.writerIndex();
    VarintFrames.writeHeader(out, body.length);
    out.writeBytes(body);
    bytesSent.accept(out.writerIndex() - start);
  }
}
