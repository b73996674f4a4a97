package org.quicmesh.transport.quic.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.WireCodec;

/**
 * Protocol messages over a QUIC stream: each {@link Message} is one varint-length frame holding its
 * {@link WireCodec} encoding.
 */
public final class MessageStreams {
  private MessageStreams() {}

  /**
   * Writes messages to the stream and sends FIN when upstream completes. The materialised stage completes when the FIN
   * is written and fails on any write failure, closed stream, or a message too large to encode.
   */
  public static Sink<Message, CompletionStage<Done>> sink(QuicStreamChannel channel) {
    return sink(channel, StreamSettings.defaults());
  }

  public static Sink<Message, CompletionStage<Done>> sink(QuicStreamChannel channel, StreamSettings settings) {
    return Sink.fromGraph(new QuicStreamSink<>(channel, MessageStreams::encode, settings));
  }

  /**
   * Reads messages until FIN. A malformed frame or message fails the source with
   * {@link org.quicmesh.wire.WireFormatException}; a reset or closed stream fails it too.
   */
  public static Source<Message, NotUsed> source(QuicStreamChannel channel) {
    return source(channel, StreamSettings.defaults());
  }

  public static Source<Message, NotUsed> source(QuicStreamChannel channel, StreamSettings settings) {
    return QuicStreamSource.frames(channel, settings.withMaxFrameBytes(WireCodec.MAX_MESSAGE_BYTES))
        .map(WireCodec::decode);
  }

  /** One message as one frame, in a single direct buffer. */
  public static ByteBuf encode(Message message, ByteBufAllocator alloc) {
    byte[] body = WireCodec.encode(message);
    if (body.length > WireCodec.MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException(message.getClass().getSimpleName() + " encodes to " + body.length
          + " bytes, more than the limit of " + WireCodec.MAX_MESSAGE_BYTES);
    }
    return VarintFrames.encode(body, alloc);
  }
}
