package org.quicmesh.transport.quic.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.apache.pekko.Done;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.SinkShape;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Writes stream elements to the sending side of a QUIC stream, with backpressure.
 *
 * <p>Upstream is pulled only while the stream channel is writable (QUIC flow control and quiche's send buffer decide)
 * and less than {@link StreamSettings#maxInFlightBytes()} is encoded but not yet accepted by the stream; one element
 * is always allowed in flight so a stream the peer stopped (STOP_SENDING) is discovered by a failing write. Every
 * write's future is checked: a failed write fails the stage and resets the stream, no bytes are silently lost. When
 * upstream completes and all writes are accepted the stage sends FIN; the materialised stage completes when the FIN
 * write completes, and fails with the cause of any failure.
 *
 * <p>Elements that arrive while a write batch is on its way to the event loop are gathered and coalesced into one
 * buffer, so small messages do not each cost a cross-thread hand-off and a QUIC send. Coalescing (and copying heap
 * buffers to direct memory, which quiche needs) happens on the stage's thread, so the event loop, which also carries
 * every packet of the node, only writes.
 */
public final class QuicStreamSink<T> extends AbstractGraphStageWithMaterializedValue<SinkShape<T>, CompletionStage<Done>> {
  /** Elements up to this size are copied into one buffer when several wait together. */
  static final int COALESCE_LIMIT = 64 * 1024;
  /** Largest buffer built from coalesced elements. */
  static final int MAX_RUN_BYTES = 4 * COALESCE_LIMIT;

  private final QuicStreamChannel channel;
  private final StreamEncoder<T> encoder;
  private final StreamSettings settings;
  private final Inlet<T> in = Inlet.create("QuicStreamSink.in");
  private final SinkShape<T> shape = SinkShape.of(in);

  public QuicStreamSink(QuicStreamChannel channel, StreamEncoder<T> encoder, StreamSettings settings) {
    this.channel = channel;
    this.encoder = encoder;
    this.settings = settings;
  }

  /** Writes buffers as they are; the sink takes ownership of each buffer it receives. */
  public static Sink<ByteBuf, CompletionStage<Done>> byteBufs(QuicStreamChannel channel, StreamSettings settings) {
    return Sink.fromGraph(new QuicStreamSink<>(channel, (buf, alloc) -> buf, settings));
  }

  /** Writes raw bytes (no framing). */
  public static Sink<byte[], CompletionStage<Done>> bytes(QuicStreamChannel channel, StreamSettings settings) {
    return Sink.fromGraph(new QuicStreamSink<>(channel,
        (bytes, alloc) -> alloc.directBuffer(bytes.length).writeBytes(bytes), settings));
  }

  /** Writes each array as one frame ({@link FrameCodec#bytes}; the receiver enforces its own limit). */
  public static Sink<byte[], CompletionStage<Done>> frames(QuicStreamChannel channel, StreamSettings settings) {
    return Sink.fromGraph(new QuicStreamSink<>(channel, FrameCodec.bytes(Integer.MAX_VALUE)::encode, settings));
  }

  @Override
  public SinkShape<T> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, CompletionStage<Done>> createLogicAndMaterializedValuePair(Attributes attributes) {
    CompletableFuture<Done> done = new CompletableFuture<>();
    return Pair.create(new Logic(done), done);
  }

  private final class Logic extends GraphStageLogic {
    private final CompletableFuture<Done> done;
    private final AsyncCallback<Long> onWritten = createAsyncCallback(this::written);
    private final AsyncCallback<Throwable> onWriteFailed = createAsyncCallback(this::abort);
    private final AsyncCallback<Long> onBatchHandedOver = createAsyncCallback(this::batchHandedOver);
    private final AsyncCallback<Boolean> onWritabilityChanged = createAsyncCallback(writable -> maybePull());
    private final AsyncCallback<Done> onFinWritten = createAsyncCallback(d -> finWritten());
    private final AsyncCallback<Done> onChannelClosed = createAsyncCallback(d -> channelClosed());
    private final ChannelHandler watcher = new Watcher();

    private List<ByteBuf> batch = new ArrayList<>();
    private long batchBytes;
    private boolean batchScheduled;
    private long inFlightBytes;
    private boolean upstreamDone;
    private boolean finRequested;

    Logic(CompletableFuture<Done> done) {
      super(shape);
      this.done = done;
      setHandler(in, new AbstractInHandler() {
        @Override
        public void onPush() {
          T element = grab(in);
          ByteBuf encoded;
          try {
            encoded = encoder.encode(element, alloc());
          } catch (RuntimeException e) {
            abort(e);
            return;
          }
          batch.add(encoded);
          batchBytes += encoded.readableBytes();
          record();
          maybeSendBatch();
          maybePull();
        }

        @Override
        public void onUpstreamFinish() {
          upstreamDone = true;
          maybeSendBatch();
          maybeFinish();
        }

        @Override
        public void onUpstreamFailure(Throwable cause) {
          abort(cause);
        }
      });
    }

    private ByteBufAllocator alloc() {
      return channel.alloc();
    }

    @Override
    public void preStart() {
      // Keep the stage alive after upstream completes: it still waits for writes and the FIN.
      setKeepGoing(true);
      try {
        channel.eventLoop().execute(() -> {
          channel.pipeline().addLast(watcher);
          if (!channel.isActive()) {
            onChannelClosed.invoke(Done.getInstance());
          }
        });
      } catch (RejectedExecutionException e) {
        abort(new StreamClosedException("QUIC event loop is shut down"));
        return;
      }
      maybePull();
    }

    private void maybePull() {
      if (upstreamDone || isClosed(in) || hasBeenPulled(in)) {
        return;
      }
      long pending = inFlightBytes + batchBytes;
      // With nothing pending we pull even when not writable: the write either waits in Netty (one element) or
      // fails and tells us the stream was stopped, which writability alone would never report.
      if (pending == 0 || pending < settings.maxInFlightBytes() && channel.isWritable()) {
        pull(in);
      }
    }

    /** Hands the gathered elements to the event loop unless a hand-off is already on its way. */
    private void maybeSendBatch() {
      if (batchScheduled || batch.isEmpty()) {
        return;
      }
      List<ByteBuf> toWrite = coalesce(batch);
      batch = new ArrayList<>();
      inFlightBytes += batchBytes;
      batchBytes = 0;
      batchScheduled = true;
      try {
        channel.eventLoop().execute(() -> writeOnEventLoop(toWrite));
      } catch (RejectedExecutionException e) {
        toWrite.forEach(ReferenceCountUtil::safeRelease);
        abort(new StreamClosedException("QUIC event loop is shut down"));
      }
    }

    /** Runs on the event loop. */
    private void writeOnEventLoop(List<ByteBuf> toWrite) {
      long acceptedAtOnce = 0;
      for (int i = 0; i < toWrite.size(); i++) {
        ByteBuf buffer = toWrite.get(i);
        long bytes = buffer.readableBytes();
        ChannelFuture future = i == toWrite.size() - 1 ? channel.writeAndFlush(buffer) : channel.write(buffer);
        if (future.isDone() && future.isSuccess()) {
          // Usually quiche takes the bytes within the flush: they are reported with the hand-off, one wake-up
          // of the stage per batch instead of one per buffer and one for the batch.
          acceptedAtOnce += bytes;
          continue;
        }
        future.addListener(f -> {
          if (f.isSuccess()) {
            onWritten.invoke(bytes);
          } else {
            onWriteFailed.invoke(f.cause());
          }
        });
      }
      onBatchHandedOver.invoke(acceptedAtOnce);
    }

    /**
     * Copies runs of small buffers into one, so each run costs one QUIC send, and any other heap buffer into direct
     * memory; takes ownership of {@code buffers}.
     */
    private List<ByteBuf> coalesce(List<ByteBuf> buffers) {
      long smallBytesLeft = 0;
      int small = 0;
      for (ByteBuf buffer : buffers) {
        if (buffer.readableBytes() <= COALESCE_LIMIT) {
          smallBytesLeft += buffer.readableBytes();
          small++;
        }
      }
      List<ByteBuf> out = new ArrayList<>(buffers.size() - small + 1);
      ByteBuf run = null;
      for (ByteBuf buffer : buffers) {
        int size = buffer.readableBytes();
        if (size > COALESCE_LIMIT || small == 1 && buffer.isDirect()) {
          if (run != null) {
            out.add(run);
            run = null;
          }
          out.add(direct(buffer));
          continue;
        }
        if (run != null && run.writableBytes() < size) {
          out.add(run);
          run = null;
        }
        if (run == null) {
          run = alloc().directBuffer((int) Math.min(smallBytesLeft, MAX_RUN_BYTES));
        }
        run.writeBytes(buffer);
        smallBytesLeft -= size;
        buffer.release();
      }
      if (run != null) {
        out.add(run);
      }
      return out;
    }

    private ByteBuf direct(ByteBuf buffer) {
      if (buffer.isDirect()) {
        return buffer;
      }
      ByteBuf copy = alloc().directBuffer(buffer.readableBytes()).writeBytes(buffer);
      buffer.release();
      return copy;
    }

    private void written(long bytes) {
      inFlightBytes -= bytes;
      record();
      maybeSendBatch();
      maybePull();
      maybeFinish();
    }

    private void batchHandedOver(long acceptedBytes) {
      inFlightBytes -= acceptedBytes;
      record();
      batchScheduled = false;
      maybeSendBatch();
      maybePull();
      maybeFinish();
    }

    /** FIN only after every byte is accepted: a FIN sent past Netty's pending writes would cut the stream short. */
    private void maybeFinish() {
      if (!upstreamDone || finRequested || batchScheduled || !batch.isEmpty() || inFlightBytes != 0) {
        return;
      }
      finRequested = true;
      channel.shutdownOutput().addListener(f -> {
        if (f.isSuccess()) {
          onFinWritten.invoke(Done.getInstance());
        } else {
          onWriteFailed.invoke(f.cause());
        }
      });
    }

    private void finWritten() {
      done.complete(Done.getInstance());
      completeStage();
    }

    private void channelClosed() {
      if (finRequested && !done.isDone()) {
        // Every write had succeeded before the FIN was asked for; Netty closes a finished unidirectional stream,
        // and that close can overtake the FIN write's own listener. It is the normal end, not a loss.
        finWritten();
        return;
      }
      if (!done.isDone()) {
        abort(new StreamClosedException("QUIC stream " + channel.streamId() + " closed before all data was written"));
      }
    }

    /** Fails the materialised value, resets the stream so the peer sees no clean end, and stops. */
    private void abort(Throwable cause) {
      if (done.completeExceptionally(cause)) {
        reset();
      }
      failStage(cause);
    }

    private void reset() {
      try {
        channel.shutdownOutput(StreamErrorCodes.ABORTED);
      } catch (RejectedExecutionException ignored) {
        // The event loop is gone, and the stream with it.
      }
    }

    private void record() {
      settings.record(inFlightBytes + batchBytes);
    }

    @Override
    public void postStop() {
      batch.forEach(ReferenceCountUtil::safeRelease);
      batch.clear();
      batchBytes = 0;
      if (done.completeExceptionally(new StreamClosedException("stream sink stopped before the stream was finished"))) {
        reset();
      }
      try {
        channel.eventLoop().execute(() -> {
          if (channel.pipeline().context(watcher) != null) {
            channel.pipeline().remove(watcher);
          }
        });
      } catch (RejectedExecutionException ignored) {
        // The event loop is gone, and the pipeline with it.
      }
    }

    /** Forwards writability and closure from the event loop to the stage. */
    private final class Watcher extends ChannelInboundHandlerAdapter {
      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        onWritabilityChanged.invoke(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        onChannelClosed.invoke(Done.getInstance());
        ctx.fireChannelInactive();
      }
    }
  }
}
