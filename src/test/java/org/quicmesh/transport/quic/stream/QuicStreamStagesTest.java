package org.quicmesh.transport.quic.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.quic.QuicTransportConfig;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.WireFormatException;

/** The stream stages over real QUIC on 127.0.0.1 (mutual Ed25519 TLS). */
@Tag("integration")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class QuicStreamStagesTest {
  private static final int CHUNK = 64 * 1024;
  private static ActorSystem system;
  private QuicPair quic;

  @BeforeAll
  static void startSystem() {
    system = ActorSystem.create("quic-stream-test");
  }

  @AfterAll
  static void stopSystem() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void connect() throws Exception {
    // 8 MB stream windows: large enough for speed, small against the 100 MB the backpressure test pushes.
    quic = QuicPair.start(QuicTransportConfig.loopback().withUdpPayloadSizes(16 * 1024, 16 * 1024)
        .withFlowControlWindows(16L << 20, 8L << 20));
  }

  @AfterEach
  void close() {
    quic.close();
  }

  @Test
  void tenThousandMessagesArriveInOrder() throws Exception {
    List<Message> sent = new ArrayList<>();
    Random random = new Random(1);
    for (int i = 0; i < 10_000; i++) {
      // Contacts of varying address length give messages of varying size.
      String address = i % 3 == 0 ? "127.0.0.1:" + random.nextInt(65536)
          : "[2001:db8:" + Integer.toHexString(random.nextInt(65536)) + "::" + i % 1000 + "]:" + (i % 60000);
      sent.add(i % 5 == 4 ? new Ack() : new Ping(new Contact(randomId(random), address)));
    }
    QuicStreamChannel out = quic.openClientStream();
    CompletionStage<Done> written = Source.from(sent).runWith(MessageStreams.sink(out), system);
    QuicStreamChannel in = quic.nextServerStream(10, TimeUnit.SECONDS);
    List<Message> received = MessageStreams.source(in).runWith(Sink.seq(), system)
        .toCompletableFuture().get(60, TimeUnit.SECONDS);

    written.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(sent, received);
  }

  @Test
  void framesOfMixedSizesArriveIntact() throws Exception {
    List<byte[]> sent = new ArrayList<>();
    Random random = new Random(2);
    for (int i = 0; i < 10_000; i++) {
      int size = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(200);
        case 2 -> random.nextInt(20_000);
        default -> i % 100 == 3 ? 1 + random.nextInt(300_000) : random.nextInt(2_000);
      };
      byte[] body = new byte[size];
      random.nextBytes(body);
      sent.add(body);
    }
    StreamSettings settings = StreamSettings.defaults().withMaxFrameBytes(1 << 20);
    QuicStreamChannel out = quic.openClientStream();
    CompletionStage<Done> written = Source.from(sent).runWith(QuicStreamSink.frames(out, settings), system);
    QuicStreamChannel in = quic.nextServerStream(10, TimeUnit.SECONDS);
    List<byte[]> received = QuicStreamSource.frames(in, settings).runWith(Sink.seq(), system)
        .toCompletableFuture().get(60, TimeUnit.SECONDS);

    written.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(sent.size(), received.size());
    for (int i = 0; i < sent.size(); i++) {
      assertArrayEquals(sent.get(i), received.get(i), "frame " + i);
    }
  }

  @Test
  void stalledConsumerStopsTheProducerWithBoundedBuffersThenEverythingArrives() throws Exception {
    int chunks = 1700; // 111 MB
    AtomicLong pulled = new AtomicLong();
    BufferMeter sinkMeter = new BufferMeter();
    BufferMeter sourceMeter = new BufferMeter();
    CRC32 sentCrc = new CRC32();
    QuicStreamChannel out = quic.openClientStream();
    CompletionStage<Done> written = Source.range(0, chunks - 1)
        .map(i -> {
          pulled.incrementAndGet();
          byte[] chunk = chunk(i);
          sentCrc.update(chunk);
          return chunk;
        })
        .runWith(QuicStreamSink.bytes(out, StreamSettings.defaults().withMeter(sinkMeter)), system);

    QuicStreamChannel in = quic.nextServerStream(10, TimeUnit.SECONDS);
    CompletableFuture<Done> gate = new CompletableFuture<>();
    CRC32 receivedCrc = new CRC32();
    AtomicLong receivedBytes = new AtomicLong();
    CompletionStage<Done> read = QuicStreamSource.bytes(in, StreamSettings.defaults().withMeter(sourceMeter))
        .mapAsync(1, bytes -> gate.thenApply(d -> bytes)) // the consumer stalls until the gate opens
        .runForeach(bytes -> {
          receivedCrc.update(bytes.toArray());
          receivedBytes.addAndGet(bytes.size());
        }, system);

    long stalledAt = awaitStable(pulled, 30_000);
    long stalledBytes = stalledAt * CHUNK;
    System.out.printf("backpressure: producer stalled after %d MB; sink held at most %d KB, source %d KB%n",
        stalledBytes >> 20, sinkMeter.peak() >> 10, sourceMeter.peak() >> 10);
    assertTrue(stalledBytes < 48L << 20, "producer stopped after " + (stalledBytes >> 20) + " MB");
    assertTrue(sinkMeter.peak() < 16L << 20, "sink held at most " + sinkMeter.peak());
    assertTrue(sourceMeter.peak() < 16L << 20, "source held at most " + sourceMeter.peak());

    gate.complete(Done.getInstance());
    read.toCompletableFuture().get(60, TimeUnit.SECONDS);
    written.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals((long) chunks * CHUNK, receivedBytes.get());
    assertEquals(sentCrc.getValue(), receivedCrc.getValue());
    assertTrue(sourceMeter.peak() < 16L << 20, "source held at most " + sourceMeter.peak());
  }

  @Test
  void connectionClosedMidStreamFailsTheProducer() throws Exception {
    QuicStreamChannel out = quic.openClientStream();
    AtomicLong pulled = new AtomicLong();
    CompletionStage<Done> written = Source.repeat(CHUNK)
        .map(size -> {
          pulled.incrementAndGet();
          return new byte[size];
        })
        .runWith(QuicStreamSink.bytes(out, StreamSettings.defaults()), system);
    quic.nextServerStream(10, TimeUnit.SECONDS); // nobody reads: the producer fills the window and waits
    awaitStable(pulled, 30_000);

    quic.client().close().sync();

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> written.toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertTrue(failure.getCause() instanceof java.io.IOException, "failed with " + failure.getCause());
  }

  @Test
  void connectionClosedMidStreamFailsTheConsumer() throws Exception {
    QuicStreamChannel out = quic.openClientStream();
    Source.repeat(CHUNK).map(byte[]::new).runWith(QuicStreamSink.bytes(out, StreamSettings.defaults()), system);
    QuicStreamChannel in = quic.nextServerStream(10, TimeUnit.SECONDS);
    AtomicLong received = new AtomicLong();
    CompletionStage<Done> read = QuicStreamSource.bytes(in, StreamSettings.defaults())
        .runForeach(bytes -> received.addAndGet(bytes.size()), system);
    awaitAtLeast(received, 1 << 20, 30_000);

    // The consumer's own connection closes (shutdown, idle timeout). A peer's CONNECTION_CLOSE sent while it has
    // stream data in flight was not seen by the server in this Netty version: see the report.
    quic.server().close().sync();

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> read.toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(StreamClosedException.class, failure.getCause());
  }

  @Test
  void finOfAUnidirectionalStreamCompletesTheSourceAfterEveryMessage() throws Exception {
    List<Message> sent = List.of(new Ack(), new Ack(), new Ack());
    QuicStreamChannel out = quic.openClientStream(QuicStreamType.UNIDIRECTIONAL);
    Source.from(sent).runWith(MessageStreams.sink(out), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
    QuicStreamChannel in = quic.nextServerStream(10, TimeUnit.SECONDS);

    List<Message> received = MessageStreams.source(in).runWith(Sink.seq(), system)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertEquals(sent, received);
  }

  @Test
  void connectionClosedMidUnidirectionalStreamFailsTheConsumerInsteadOfEndingIt() throws Exception {
    QuicStreamChannel out = quic.openClientStream(QuicStreamType.UNIDIRECTIONAL);
    Source.repeat(CHUNK).map(byte[]::new).runWith(QuicStreamSink.bytes(out, StreamSettings.defaults()), system);
    QuicStreamChannel in = quic.nextServerStream(10, TimeUnit.SECONDS);
    AtomicLong received = new AtomicLong();
    CompletionStage<Done> read = QuicStreamSource.bytes(in, StreamSettings.defaults())
        .runForeach(bytes -> received.addAndGet(bytes.size()), system);
    awaitAtLeast(received, 1 << 20, 30_000);

    quic.server().close().sync();

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> read.toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(StreamClosedException.class, failure.getCause());
  }

  @Test
  void finWithoutDataCompletesTheSourceEmpty() throws Exception {
    QuicStreamChannel out = quic.openClientStream();
    CompletionStage<Done> written = Source.<Message>empty().runWith(MessageStreams.sink(out), system);
    written.toCompletableFuture().get(10, TimeUnit.SECONDS);
    QuicStreamChannel in = quic.nextServerStream(10, TimeUnit.SECONDS);

    List<Message> received = MessageStreams.source(in).runWith(Sink.seq(), system)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertEquals(List.of(), received);
  }

  @Test
  void consumerCancelStopsTheProducerWithAFailure() throws Exception {
    QuicStreamChannel out = quic.openClientStream();
    CompletionStage<Done> written = Source.repeat(CHUNK).map(byte[]::new)
        .runWith(QuicStreamSink.bytes(out, StreamSettings.defaults()), system);
    QuicStreamChannel in = quic.nextServerStream(10, TimeUnit.SECONDS);

    List<?> firstChunks = QuicStreamSource.bytes(in, StreamSettings.defaults()).take(10).runWith(Sink.seq(), system)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertEquals(10, firstChunks.size());
    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> written.toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertTrue(failure.getCause().getMessage().contains("STOP_SENDING"), "failed with " + failure.getCause());
  }

  @Test
  void malformedMessageFailsTheConsumerWithAWireFormatError() throws Exception {
    QuicStreamChannel out = quic.openClientStream();
    byte[] garbage = {(byte) 0xa1, 0x61, 0x74, 0x64, 'N', 'o', 'p', 'e'};
    Source.single(garbage).runWith(QuicStreamSink.frames(out, StreamSettings.defaults()), system);
    QuicStreamChannel in = quic.nextServerStream(10, TimeUnit.SECONDS);

    CompletionStage<List<Message>> read = MessageStreams.source(in).runWith(Sink.seq(), system);

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> read.toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(WireFormatException.class, failure.getCause());
  }

  @Test
  void oversizedFrameFailsTheConsumerBeforeItIsBuffered() throws Exception {
    QuicStreamChannel out = quic.openClientStream();
    Source.single(new byte[300_000]).runWith(QuicStreamSink.frames(out, StreamSettings.defaults()), system);
    QuicStreamChannel in = quic.nextServerStream(10, TimeUnit.SECONDS);

    CompletionStage<List<Message>> read = MessageStreams.source(in).runWith(Sink.seq(), system);

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> read.toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(WireFormatException.class, failure.getCause());
    assertTrue(failure.getCause().getMessage().contains("exceeds"), failure.getCause().getMessage());
  }

  @Test
  void producerFailureResetsTheStreamSoTheConsumerFailsInsteadOfEndingCleanly() throws Exception {
    QuicStreamChannel out = quic.openClientStream();
    CompletionStage<Done> written = Source.range(1, 100)
        .map(i -> {
          if (i == 50) {
            throw new IllegalStateException("producer broke");
          }
          return (Message) new Ack();
        })
        .runWith(MessageStreams.sink(out), system);
    QuicStreamChannel in = quic.nextServerStream(10, TimeUnit.SECONDS);

    CompletionStage<List<Message>> read = MessageStreams.source(in).runWith(Sink.seq(), system);

    assertThrows(ExecutionException.class, () -> written.toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertThrows(ExecutionException.class, () -> read.toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  @Test
  void bothDirectionsOfOneStreamWorkAtOnce() throws Exception {
    QuicStreamChannel clientSide = quic.openClientStream();
    List<Message> requests = List.of(new Ack(), new Ack(), new Ack());
    CompletionStage<Done> sent = Source.from(requests).runWith(MessageStreams.sink(clientSide), system);
    QuicStreamChannel serverSide = quic.nextServerStream(10, TimeUnit.SECONDS);
    // The server echoes what it reads back on the same stream.
    CompletionStage<Done> echoed = MessageStreams.source(serverSide)
        .toMat(MessageStreams.sink(serverSide), Keep.right()).run(system);

    List<Message> replies = MessageStreams.source(clientSide).runWith(Sink.seq(), system)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);

    sent.toCompletableFuture().get(10, TimeUnit.SECONDS);
    echoed.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(requests, replies);
  }

  private static NodeId randomId(Random random) {
    byte[] id = new byte[32];
    random.nextBytes(id);
    return NodeId.of(id);
  }

  private static byte[] chunk(int index) {
    byte[] chunk = new byte[CHUNK];
    new Random(index).nextBytes(chunk);
    return chunk;
  }

  /** Waits until the counter has not moved for a second; returns its value. */
  private static long awaitStable(AtomicLong counter, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    long last = -1;
    long since = System.currentTimeMillis();
    while (System.currentTimeMillis() < deadline) {
      long now = counter.get();
      if (now != last) {
        last = now;
        since = System.currentTimeMillis();
      } else if (now > 0 && System.currentTimeMillis() - since >= 1000) {
        return now;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("counter never settled, at " + counter.get());
  }

  private static void awaitAtLeast(AtomicLong counter, long value, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (counter.get() < value) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("counter stuck at " + counter.get());
      }
      Thread.sleep(20);
    }
  }
}
