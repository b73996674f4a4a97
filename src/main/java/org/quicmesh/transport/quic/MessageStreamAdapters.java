package org.quicmesh.transport.quic;

import io.netty.handler.codec.quic.QuicStreamChannel;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.NeverMaterializedException;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.transport.TransportException;
import org.quicmesh.transport.TransportException.Kind;
import org.quicmesh.transport.quic.stream.MessageStreams;
import org.quicmesh.transport.quic.stream.StreamSettings;
import org.quicmesh.wire.Message;

/**
 * The {@link StreamAdapters} of {@link QuicTransport}: the backpressured stages of {@link MessageStreams}. Inbound
 * reads follow demand within {@link StreamSettings#maxBufferedBytes()} (QUIC flow control holds the sender beyond);
 * outbound pulls only while the stream is writable and less than {@link StreamSettings#maxInFlightBytes()} is pending.
 * Needs stream channels created with {@code AUTO_READ=false}, which {@link QuicTransport} does for message streams.
 */
public final class MessageStreamAdapters implements StreamAdapters {
  private final StreamSettings settings;

  /** With {@link StreamSettings#defaults()}. */
  private static final java.util.concurrent.Executor DIRECT = Runnable::run;

  public MessageStreamAdapters() {
    this(StreamSettings.defaults());
  }

  /** With explicit bounds (and optionally a {@link org.quicmesh.transport.quic.stream.BufferMeter}). */
  public MessageStreamAdapters(StreamSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public Source<Message, NotUsed> inbound(QuicStreamChannel stream) {
    return MessageStreams.source(stream, settings);
  }

  @Override
  public Sink<Message, CompletionStage<Done>> outbound(Supplier<CompletionStage<QuicStreamChannel>> open) {
    // The stream opens with the first message: an empty upstream costs no stream and completes at once.
    return Sink.<Message, CompletionStage<Done>>lazyCompletionStageSink(
            () -> open.get().thenApply(channel -> MessageStreams.sink(channel, settings)))
        // Pekko's stage is a Scala CompletableFuture whose plain thenCompose/handle run asynchronously on the common
        // pool, which on a 2-core machine means a new thread per callback (measured: 1,431 threads in 53 s at 50
        // nodes). These callbacks only pass outcomes on, so they run where the stage completes.
        .mapMaterializedValue(materialised -> materialised
            .thenComposeAsync(done -> done, DIRECT)
            .handleAsync((done, error) -> error == null ? CompletableFuture.completedFuture(Done.getInstance())
                : outcome(error), DIRECT)
            .thenComposeAsync(stage -> stage, DIRECT));
  }

  private static CompletionStage<Done> outcome(Throwable error) {

    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof NeverMaterializedException never) {
      if (never.getCause() == null) {
        return CompletableFuture.completedFuture(Done.getInstance()); // upstream completed without elements
      }
      // Upstream failed before the first message: nothing was opened, the caller gets its own failure back.
      return CompletableFuture.failedFuture(never.getCause());
    }
    if (cause instanceof TransportException) {
      return CompletableFuture.failedFuture(cause);
    }
    return CompletableFuture.failedFuture(
        new TransportException(Kind.UNREACHABLE, "message stream failed: " + cause, cause));
  }
}
