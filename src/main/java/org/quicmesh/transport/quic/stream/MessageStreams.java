package org.quicmesh.transport.quic.stream;

import io.netty.handler.codec.quic.QuicStreamChannel;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.WireCodec;

/**
 * Protocol messages over a QUIC stream: each {@link Message} is one {@link FrameCodec#MESSAGES} frame holding its
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
    return Sink.fromGraph(new QuicStreamSink<>(channel, (message, alloc) -> FrameCodec.wrap(message), settings));
  }

  /**
   * Reads messages until FIN. A malformed frame or message fails the source with
   * {@link org.quicmesh.wire.WireFormatException}; a reset or closed stream fails it too.
   */
  public static Source<Message, NotUsed> source(QuicStreamChannel channel) {
    return source(channel, StreamSettings.defaults());
  }

  public static Source<Message, NotUsed> source(QuicStreamChannel channel, StreamSettings settings) {
    return QuicStreamSource.frames(channel, FrameCodec.MESSAGES, settings).map(WireCodec::decode);
  }
}
