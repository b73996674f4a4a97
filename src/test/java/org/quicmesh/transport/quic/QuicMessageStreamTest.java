package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.identity.Keypair;
import org.quicmesh.transport.quic.stream.BufferMeter;
import org.quicmesh.transport.quic.stream.StreamSettings;
import org.quicmesh.transport.TransportException;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Limits;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.RelayForward;

/** Message streams through the Transport API (streamTo / onStream) with the default backpressured adapters. */
@Tag("integration")
@Timeout(120)
class QuicMessageStreamTest {
  private static final int PAYLOAD = Limits.MAX_RELAY_PAYLOAD_BYTES;
  private static final int MESSAGES = 1600; // 1600 x 64 KiB = 105 MB
  private static ActorSystem<Void> system;

  @BeforeAll
  static void startSystem() {
    system = ActorSystem.create(Behaviors.empty(), "message-stream");
  }

  @AfterAll
  static void stopSystem() {
    system.terminate();
  }

  @Test
  void aStalledConsumerHoldsTheSenderWithBoundedBuffersThenEverythingArrivesInOrder() throws Exception {
    Materializer materializer = Materializer.matFromSystem(system);
    BufferMeter receiverMeter = new BufferMeter();
    StreamAdapters metered = new MessageStreamAdapters(StreamSettings.defaults().withMeter(receiverMeter));
    try (TestNode a = new TestNode();
        TestNode b = new TestNode(Keypair.generate(), QuicTransportConfig.loopback(), metered)) {
      AtomicLong pulled = new AtomicLong();
      CompletionStage<Done> sent = Source.range(0, MESSAGES - 1)
          .map(i -> {
            pulled.incrementAndGet();
            return (Message) new RelayForward(a.contact(), i, TestNode.patterned(i, PAYLOAD));
          })
          .runWith(a.transport.streamTo(b.contact()), materializer);

      Source<Message, ?> inbound = b.firstStream();
      CompletableFuture<Done> gate = new CompletableFuture<>();
      AtomicLong next = new AtomicLong();
      CompletionStage<Done> received = inbound
          .mapAsync(1, m -> gate.thenApply(open -> m)) // the consumer stalls until the gate opens
          .runForeach(m -> {
            RelayForward chunk = (RelayForward) m;
            long expected = next.getAndIncrement();
            assertEquals(expected, chunk.sessionId(), "in order");
            assertArrayEquals(TestNode.patterned((int) expected, PAYLOAD), chunk.payload());
          }, materializer);

      long stalledAt = awaitStable(pulled);
      long stalledBytes = stalledAt * PAYLOAD;
      System.out.printf("transport backpressure: sender stalled after %d MB, receiver held at most %d KB%n",
          stalledBytes >> 20, receiverMeter.peak() >> 10);
      assertTrue(stalledAt < MESSAGES / 3, "sender kept being pulled: " + (stalledBytes >> 20) + " MB");
      assertTrue(receiverMeter.peak() <= 2L * StreamSettings.DEFAULT_MAX_BUFFERED_BYTES,
          "receiver held " + receiverMeter.peak() + " bytes");

      gate.complete(Done.getInstance());
      received.toCompletableFuture().get(90, TimeUnit.SECONDS);
      sent.toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(MESSAGES, next.get());
      assertEquals(MESSAGES, pulled.get());
    }
  }

  @Test
  void anEmptyStreamCompletesWithoutOpeningAQuicStream() throws Exception {
    Materializer materializer = Materializer.matFromSystem(system);
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      TestNode.await(Source.<Message>empty().runWith(a.transport.streamTo(b.contact()), materializer));

      assertEquals(0, a.transport.stats().connections(), "nothing was dialed");
    }
  }

  @Test
  void streamingToAnAddressHoldingAnotherNodeFailsWithIdentityMismatch() {
    Materializer materializer = Materializer.matFromSystem(system);
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      Contact impostor = Contact.of(Keypair.generate().nodeId(), b.address());

      Throwable failure = TestNode.failureOf(
          Source.single((Message) new Ack()).runWith(a.transport.streamTo(impostor), materializer));

      assertEquals(TransportException.Kind.IDENTITY_MISMATCH, ((TransportException) failure).kind());
      assertTrue(b.streams.isEmpty());
    }
  }



  /** Waits until the counter has not moved for a second; returns its value. */
  private static long awaitStable(AtomicLong counter) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long last = -1;
    long since = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long now = counter.get();
      if (now != last) {
        last = now;
        since = System.nanoTime();
      } else if (now > 0 && System.nanoTime() - since >= TimeUnit.SECONDS.toNanos(1)) {
        return now;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("counter never settled, at " + counter.get());
  }
}
