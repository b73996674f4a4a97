package org.quicmesh.transport.quic;

import io.netty.handler.codec.quic.QuicStreamChannel;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.wire.Message;

/**
 * The seam between the QUIC transport and Pekko Streams for long-lived unidirectional message streams (pub/sub).
 * The transport opens and accepts the QUIC streams; an implementation turns them into backpressured stages. Streams
 * reach the adapter with an empty pipeline: framing is the adapter's job.
 */
public interface StreamAdapters {

  /**
   * Messages from a unidirectional stream a peer opened to us. Called on the stream's event loop right after the
   * stream was accepted, before anything was read. Reading must follow downstream demand (the peer is then held back
   * by QUIC flow control), and cancelling the source must close the stream.
   */
  Source<Message, NotUsed> inbound(QuicStreamChannel stream);

  /**
   * A sink writing messages to a unidirectional stream; {@code open} creates the stream (once per materialisation)
   * and fails with a {@code TransportException} if the peer cannot be reached. The materialised stage completes
   * when the stream is flushed and finished (FIN), or fails.
   */
  Sink<Message, CompletionStage<Done>> outbound(Supplier<CompletionStage<QuicStreamChannel>> open);
}
