package org.quicmesh.transport.quic;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.quicmesh.transport.TransportException;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.WireCodec;
import org.quicmesh.wire.WireFormatException;

/**
 * A small, correct {@link StreamAdapters}: the same frames as RPCs, one message written at a time (each write's
 * future gates the next, so QUIC flow control backpressures the sink), and inbound reads issued only after the
 * previous frames were accepted by the source's buffer. Simple rather than fast; a tuned adapter can replace it.
 */
public final class FramedStreamAdapters implements StreamAdapters {
  private static final int INBOUND_BUFFER = 16;

  @Override
  public Source<Message, NotUsed> inbound(QuicStreamChannel stream) {
    stream.config().setAutoRead(false);
    return Source.<Message>queue(INBOUND_BUFFER, OverflowStrategy.backpressure())
        .mapMaterializedValue(queue -> {
          queue.watchCompletion().whenComplete((done, error) -> stream.close());
          stream.eventLoop().execute(() -> {
            stream.pipeline().addLast(new FrameDecoder(n -> { }), new QueueFeeder(queue));
            stream.read();
          });
          return NotUsed.getInstance();
        });
  }

  @Override
  public Sink<Message, CompletionStage<Done>> outbound(Supplier<CompletionStage<QuicStreamChannel>> open) {
    return Sink.<Message, CompletionStage<Done>>fromMaterializer((materializer, attributes) -> {
      OpenOnce once = new OpenOnce(open);
      return Flow.<Message>create()
          .mapAsync(1, message -> once.get().thenCompose(stream ->
              NettyFutures.toCompletable(stream.writeAndFlush(message), cause ->
                  new TransportException(TransportException.Kind.UNREACHABLE, "stream write failed", cause))))
          .toMat(Sink.ignore(), Keep.right())
          .mapMaterializedValue(done -> done.handle((ok, error) -> once.finish(error)).thenCompose(s -> s));
    }).mapMaterializedValue(stage -> stage.thenCompose(s -> s));
  }

  /** Opens the outbound stream on first use and finishes (FIN) or resets it at the end. */
  private static final class OpenOnce {
    private final Supplier<CompletionStage<QuicStreamChannel>> open;
    private CompletableFuture<QuicStreamChannel> stream;

    OpenOnce(Supplier<CompletionStage<QuicStreamChannel>> open) {
      this.open = open;
    }

    synchronized CompletableFuture<QuicStreamChannel> get() {
      if (stream == null) {
        stream = open.get().toCompletableFuture().thenApply(s -> {
          s.pipeline().addFirst(new FrameEncoder(n -> { }));
          return s;
        });
      }
      return stream;
    }

    synchronized CompletionStage<Done> finish(Throwable error) {
      if (stream == null) {
        return error == null ? CompletableFuture.completedFuture(Done.getInstance())
            : CompletableFuture.failedFuture(error);
      }
      return stream.thenCompose(s -> {
        if (error != null) {
          s.close();
          return CompletableFuture.<Done>failedFuture(error);
        }
        return NettyFutures.toCompletable(s.shutdownOutput(), cause ->
            new TransportException(TransportException.Kind.UNREACHABLE, "stream finish failed", cause))
            .thenApply(v -> Done.getInstance());
      });
    }
  }

  /** Offers decoded frames to the source queue one by one, reading more only when the queue took them. */
  private static final class QueueFeeder extends ChannelInboundHandlerAdapter {
    private final SourceQueueWithComplete<Message> queue;
    private CompletionStage<Boolean> tail = CompletableFuture.completedFuture(true);

    QueueFeeder(SourceQueueWithComplete<Message> queue) {
      this.queue = queue;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Message message;
      try {
        message = WireCodec.decode((byte[]) msg);
      } catch (WireFormatException e) {
        queue.fail(new TransportException(TransportException.Kind.MALFORMED, "undecodable stream frame", e));
        ctx.close();
        return;
      }
      tail = tail.thenCompose(ok -> ok
          ? queue.offer(message).thenApply(r -> r == QueueOfferResult.enqueued())
          : CompletableFuture.completedFuture(false));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      tail.whenComplete((ok, error) -> {
        if (Boolean.TRUE.equals(ok)) {
          ctx.channel().read();
        } else {
          ctx.close();
        }
      });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownReadComplete) {
        tail.whenComplete((ok, error) -> queue.complete());
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      queue.fail(new TransportException(TransportException.Kind.MALFORMED, "stream failed", cause));
      ctx.close();
    }
  }
}
