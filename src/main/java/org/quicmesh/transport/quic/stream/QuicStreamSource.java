package org.quicmesh.transport.quic.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.quicmesh.wire.WireFormatException;

/**
 * Reads the receiving side of a QUIC stream as a Pekko source, with bounded memory.
 *
 * <p>The stream channel must have {@code autoRead=false} from its creation (a server's {@code streamOption}, a
 * client's stream bootstrap option), otherwise Netty reads and drops data before this stage is attached. The stage
 * calls {@code channel.read()} only while less than {@link StreamSettings#maxBufferedBytes()} is buffered (or
 * downstream waits for the rest of a larger frame), so a stalled consumer leaves the data in quiche, whose flow control
 * then stops the sender.
 *
 * <p>FIN completes the source once every buffered element is emitted (on a peer's unidirectional stream, which
 * Netty closes at FIN without an input-shutdown event, a close while the connection is still up is the FIN) (bytes left over inside an unfinished frame
 * fail it); a stream reset, a closed stream or connection, or a malformed frame fail it. Downstream cancellation sends
 * STOP_SENDING ({@link StreamErrorCodes#CANCELLED}), which fails the peer's further writes. Every buffer received is
 * released exactly once: by the stage after decoding, or on stop by whichever side empties the hand-off queue last.
 */
public final class QuicStreamSource<T> extends GraphStage<SourceShape<T>> {
  private final QuicStreamChannel channel;
  private final StreamDecoder<T> decoder;
  private final StreamSettings settings;
  private final Outlet<T> out = Outlet.create("QuicStreamSource.out");
  private final SourceShape<T> shape = SourceShape.of(out);

  public QuicStreamSource(QuicStreamChannel channel, StreamDecoder<T> decoder, StreamSettings settings) {
    this.channel = channel;
    this.decoder = decoder;
    this.settings = settings;
  }

  /** The raw bytes of the stream, in chunks as they arrive (each at most the buffered bound). */
  public static Source<ByteString, NotUsed> bytes(QuicStreamChannel channel, StreamSettings settings) {
    int maxChunk = settings.maxBufferedBytes();
    return Source.fromGraph(new QuicStreamSource<>(channel, buffered -> {
      int n = Math.min(buffered.readableBytes(), maxChunk);
      if (n == 0) {
        return null;
      }
      byte[] chunk = new byte[n];
      buffered.readBytes(chunk);
      return ByteString.fromArrayUnsafe(chunk);
    }, settings));
  }

  /** The bodies of the frames on the stream ({@link FrameCodec#bytes} up to {@link StreamSettings#maxFrameBytes()}). */
  public static Source<byte[], NotUsed> frames(QuicStreamChannel channel, StreamSettings settings) {
    return frames(channel, FrameCodec.bytes(settings.maxFrameBytes()), settings);
  }

  /** The bodies of the frames on the stream, cut by {@code codec}. */
  static Source<byte[], NotUsed> frames(QuicStreamChannel channel, FrameCodec codec, StreamSettings settings) {
    return Source.fromGraph(new QuicStreamSource<>(channel, codec::tryDecode, settings));
  }

  @Override
  public SourceShape<T> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new Logic();
  }

  private final class Logic extends GraphStageLogic {
    // Hand-off from the event loop: the handler adds, the stage polls; whoever sees `stopped` drains and releases.
    private final ConcurrentLinkedQueue<ByteBuf> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicLong inboxBytes = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AsyncCallback<Done> onReadComplete = createAsyncCallback(d -> readComplete());
    private final AsyncCallback<Done> onFin = createAsyncCallback(d -> finReceived());
    private final AsyncCallback<Throwable> onError = createAsyncCallback(this::streamFailed);
    private final AsyncCallback<Done> onClosed = createAsyncCallback(d -> channelClosed());
    private final ChannelHandler reader = new Reader();

    private CompositeByteBuf buffered;
    private boolean readRequested;
    private boolean fin;

    Logic() {
      super(shape);
      setHandler(out, new AbstractOutHandler() {
        @Override
        public void onPull() {
          emitAvailable();
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          // STOP_SENDING: the peer's writes fail instead of filling a window nobody reads.
          if (!fin) {
            channel.shutdownInput(StreamErrorCodes.CANCELLED);
          }
          completeStage();
        }
      });
    }

    @Override
    public void preStart() {
      buffered = channel.alloc().compositeDirectBuffer(Integer.MAX_VALUE);
      channel.config().setAutoRead(false);
      if (channel.type() == QuicStreamType.BIDIRECTIONAL) {
        // FIN must arrive as an event, not as a silent close (unidirectional streams have no half-closure: see Reader).
        channel.config().setAllowHalfClosure(true);
      }
      try {
        channel.eventLoop().execute(() -> {
          channel.pipeline().addLast(reader);
          if (!channel.isActive()) {
            onClosed.invoke(Done.getInstance());
          }
        });
      } catch (RejectedExecutionException e) {
        failStage(new StreamClosedException("QUIC event loop is shut down"));
        return;
      }
      maybeRead();
    }

    /** Moves received buffers into the cumulation, emits what is decodable, completes on FIN, reads more. */
    private void emitAvailable() {
      ByteBuf next;
      while ((next = inbox.poll()) != null) {
        inboxBytes.addAndGet(-next.readableBytes());
        buffered.addComponent(true, next);
      }
      if (isAvailable(out)) {
        T element;
        try {
          element = decoder.decode(buffered);
        } catch (WireFormatException e) {
          failStage(e);
          return;
        }
        if (element != null) {
          buffered.discardReadComponents();
          push(out, element);
        } else if (fin) {
          if (buffered.isReadable()) {
            failStage(new WireFormatException("stream " + channel.streamId() + " ended inside a frame ("
                + buffered.readableBytes() + " bytes left over)"));
          } else {
            completeStage();
          }
          return;
        }
      }
      record();
      maybeRead();
    }

    private void maybeRead() {
      if (fin || readRequested || isClosed(out)) {
        return;
      }
      long held = inboxBytes.get() + buffered.readableBytes();
      // Beyond the bound, read only for a downstream that waits on an incomplete (bounded-size) frame.
      if (held < settings.maxBufferedBytes() || isAvailable(out)) {
        readRequested = true;
        channel.read();
      }
    }

    private void readComplete() {
      readRequested = false;
      emitAvailable();
    }

    private void finReceived() {
      fin = true;
      emitAvailable();
    }

    private void streamFailed(Throwable cause) {
      failStage(cause);
    }

    private void channelClosed() {
      if (!fin) {
        failStage(new StreamClosedException("QUIC stream " + channel.streamId() + " closed before FIN"));
      }
    }

    private void record() {
      settings.record(inboxBytes.get() + buffered.readableBytes());
    }

    @Override
    public void postStop() {
      stopped.set(true);
      drainInbox();
      if (buffered != null) {
        buffered.release();
        buffered = null;
      }
      settings.record(0);
      try {
        channel.eventLoop().execute(() -> {
          if (channel.pipeline().context(reader) != null) {
            channel.pipeline().remove(reader);
          }
        });
      } catch (RejectedExecutionException ignored) {
        // The event loop is gone, and the pipeline with it.
      }
    }

    private void drainInbox() {
      ByteBuf next;
      while ((next = inbox.poll()) != null) {
        next.release();
      }
    }

    /** Runs on the event loop; never passes data on (this stage owns the stream's inbound side). */
    private final class Reader extends ChannelInboundHandlerAdapter {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf data;
        if (msg instanceof ByteBuf buf) {
          data = buf;
        } else if (msg instanceof ByteBufHolder holder) {
          data = holder.content().retain();
          ReferenceCountUtil.release(holder);
        } else {
          ReferenceCountUtil.release(msg);
          return;
        }
        if (stopped.get()) {
          data.release();
          return;
        }
        inboxBytes.addAndGet(data.readableBytes());
        inbox.add(data);
        if (stopped.get()) {
          drainInbox(); // the stage stopped meanwhile: poll() hands each buffer to exactly one releaser
        }
      }

      @Override
      public void channelReadComplete(ChannelHandlerContext ctx) {
        onReadComplete.invoke(Done.getInstance());
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
          onFin.invoke(Done.getInstance());
        }
        ctx.fireUserEventTriggered(evt);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        onError.invoke(cause);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        // Netty closes a peer's unidirectional stream on FIN without an input-shutdown event. A reset reaches
        // exceptionCaught first and a lost connection is inactive before its streams close, so a close of such a
        // stream while its connection is up is the FIN.
        boolean finOfUnidirectional = channel.type() == QuicStreamType.UNIDIRECTIONAL && !channel.isLocalCreated()
            && channel.parent().isActive();
        (finOfUnidirectional ? onFin : onClosed).invoke(Done.getInstance());
        ctx.fireChannelInactive();
      }
    }
  }
}
