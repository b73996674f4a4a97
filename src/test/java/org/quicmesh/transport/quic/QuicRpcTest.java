package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.handler.codec.quic.QuicStreamType;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.identity.Keypair;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.TransportException;
import org.quicmesh.transport.TransportException.Kind;
import org.quicmesh.transport.quic.stream.FrameCodec;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.WireCodec;
import org.quicmesh.wire.WireFormatException;

@Tag("integration")
@Timeout(60)
class QuicRpcTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** Waits up to 5 s for a condition that listeners on another thread make true. */
  private static void eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 5 s");
      Thread.sleep(20);
    }
  }

  /**
   * A bidirectional stream we write raw bytes to; {@code outcome} completes with everything the node sent before it
   * ended the stream cleanly (a {@code byte[]}), or with the exception its reset raised.
   */
  private static final class RawStream extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Object> outcome = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
    QuicStreamChannel channel;

    static RawStream open(QuicChannel connection) throws InterruptedException {
      RawStream raw = new RawStream();
      raw.channel = connection.createStream(QuicStreamType.BIDIRECTIONAL, raw).sync().getNow();
      return raw;
    }

    /** Writes bytes and FIN; the node may end the stream first, so neither write is required to succeed. */
    void send(byte[] bytes, boolean fin) throws InterruptedException {
      channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).await(5, TimeUnit.SECONDS);
      if (fin) {
        channel.shutdownOutput().await(5, TimeUnit.SECONDS);
      }
    }

    @Override
    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
      io.netty.buffer.ByteBuf buf = (io.netty.buffer.ByteBuf) msg;
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      buf.release();
      received.writeBytes(bytes);
    }

    @Override
    public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
      outcome.complete(cause);
      ctx.close();
    }

    @Override
    public void channelInactive(io.netty.channel.ChannelHandlerContext ctx) {
      outcome.complete(received.toByteArray());
    }
  }

  @Test
  void pingToAKnownContactIsAnsweredWithAck() {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      Reply reply = TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT));

      assertInstanceOf(Ack.class, reply.response());
      assertEquals(b.id(), reply.peer());
      assertEquals(b.address(), reply.address());
      assertEquals(a.id(), b.seen.get(0).peer());
      assertEquals(a.ping(), b.seen.get(0).message());
      assertEquals(1, a.transport.stats().requestsSent());
      assertEquals(1, b.transport.stats().requestsReceived());
    }
  }

  @Test
  void dialingAnAddressExpectingAnotherNodeIdFailsWithIdentityMismatch() {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      Contact wrong = Contact.of(Keypair.generate().nodeId(), b.address());

      Throwable failure = TestNode.failureOf(a.transport.request(wrong, a.ping(), TIMEOUT));

      assertEquals(Kind.IDENTITY_MISMATCH, ((TransportException) failure).kind());
      assertEquals(1L, a.transport.stats().rejected().get("identity-mismatch"));
      assertTrue(b.seen.isEmpty(), "no request reaches the impostor's handler");
    }
  }

  @Test
  void requestWithSpoofedFromIsAnsweredFromMismatchUnseenAndTheNextHonestOneWorks() {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      Ping spoofed = new Ping(Contact.of(Keypair.generate().nodeId(), a.address()));

      Reply reply = TestNode.await(a.transport.request(b.contact(), spoofed, TIMEOUT));

      Rejected rejected = assertInstanceOf(Rejected.class, reply.response());
      assertEquals(Rejected.Reason.FROM_MISMATCH, rejected.reason());
      assertEquals(b.id(), reply.peer());
      assertTrue(b.seen.isEmpty(), "the handler never sees a spoofed request");
      assertEquals(1L, b.transport.stats().rejected().get("from-mismatch"));
      Reply honest = TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT));
      assertInstanceOf(Ack.class, honest.response());
      assertEquals(1, b.seen.size());
      assertEquals(1, a.transport.handshakesDialed(), "the rejection did not cost the connection");
    }
  }

  @Test
  void undecodableCompleteFrameIsAnsweredBadRequestCountedAndTheNodeKeepsServing() throws Exception {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      QuicChannel connection = TestNode.await(a.transport.connectionTo(b.contact()));
      byte[] garbage = "hello".getBytes(StandardCharsets.US_ASCII);
      RawStream stream = RawStream.open(connection);
      stream.send(frame(garbage), true);

      byte[] answer = assertInstanceOf(byte[].class, stream.outcome.get(5, TimeUnit.SECONDS));
      Rejected rejected = assertInstanceOf(Rejected.class, decodeFrame(answer));
      assertEquals(Rejected.Reason.BAD_REQUEST, rejected.reason());
      assertEquals(1L, b.transport.stats().rejected().get("malformed"));
      assertTrue(b.seen.isEmpty());
      assertInstanceOf(Ack.class, TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT)).response());
      assertTrue(connection.isActive(), "the connection survives a bad stream");
    }
  }

  @Test
  void oversizedFrameLengthIsRefusedBeforeBuffering() throws Exception {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      QuicChannel connection = TestNode.await(a.transport.connectionTo(b.contact()));
      RawStream stream = RawStream.open(connection);
      // Varint for 100 MB, then nothing: the node must refuse on the length alone.
      stream.send(new byte[] {(byte) 0x80, (byte) 0xC2, (byte) 0xD7, 0x2F}, false);

      assertInstanceOf(QuicStreamResetException.class, stream.outcome.get(5, TimeUnit.SECONDS));
      assertEquals(1L, b.transport.stats().rejected().get("oversized"));
      assertInstanceOf(Ack.class, TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT)).response());
    }
  }

  @Test
  void aResponseInsteadOfARequestIsAnsweredBadRequest() throws Exception {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      QuicChannel connection = TestNode.await(a.transport.connectionTo(b.contact()));
      RawStream stream = RawStream.open(connection);
      stream.send(frame(WireCodec.encode(new Ack())), true);

      byte[] answer = assertInstanceOf(byte[].class, stream.outcome.get(5, TimeUnit.SECONDS));
      assertEquals(Rejected.Reason.BAD_REQUEST, ((Rejected) decodeFrame(answer)).reason());
      assertEquals(1L, b.transport.stats().rejected().get("not-a-request"));
      assertTrue(b.seen.isEmpty());
    }
  }

  @Test
  void unframeableGarbageResetsTheStream() throws Exception {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      QuicChannel connection = TestNode.await(a.transport.connectionTo(b.contact()));
      RawStream stream = RawStream.open(connection);
      // A padded varint is no frame length (a long run of 0x80 would count as oversized: it declares megabytes).
      stream.send(new byte[] {(byte) 0x81, 0x00, 0x01}, false);

      assertInstanceOf(QuicStreamResetException.class, stream.outcome.get(5, TimeUnit.SECONDS));
      assertEquals(1L, b.transport.stats().rejected().get("malformed"));
      assertInstanceOf(Ack.class, TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT)).response());
    }
  }

  @Test
  void hundredSequentialRequestsUseOneConnection() {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      for (int i = 0; i < 100; i++) {
        TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT));
      }

      assertEquals(1, a.transport.handshakesDialed());
      assertEquals(1, b.transport.handshakesAccepted());
      assertEquals(100, b.seen.size());
    }
  }

  @Test
  void concurrentFirstRequestsToAPeerShareOneDial() {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      List<CompletionStage<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        replies.add(a.transport.request(b.contact(), a.ping(), TIMEOUT));
      }
      replies.forEach(TestNode::await);

      assertEquals(1, a.transport.handshakesDialed());
      assertEquals(1, b.transport.handshakesAccepted());
    }
  }

  @Test
  void aConnectionAPeerOpenedCarriesOurRequestsBackToIt() {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT));

      Reply back = TestNode.await(b.transport.request(a.contact(), b.ping(), TIMEOUT));

      assertEquals(a.id(), back.peer());
      assertEquals(0, b.transport.handshakesDialed(), "b reused the connection a opened");
      assertEquals(b.address(), a.seen.get(0).observedAddress());
    }
  }

  @Test
  void simultaneousMutualDialFromListeningPortsWorksBothWays() {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      List<CompletionStage<Reply>> aToB = new ArrayList<>();
      List<CompletionStage<Reply>> bToA = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        aToB.add(a.transport.request(b.contact(), a.ping(), TIMEOUT));
        bToA.add(b.transport.request(a.contact(), b.ping(), TIMEOUT));
      }

      aToB.forEach(r -> assertEquals(b.id(), TestNode.await(r).peer()));
      bToA.forEach(r -> assertEquals(a.id(), TestNode.await(r).peer()));
      assertEquals(200, a.seen.size());
      assertEquals(200, b.seen.size());
      assertTrue(a.seen.stream().allMatch(r -> r.peer().equals(b.id()) && r.observedAddress().equals(b.address())),
          "b dialed from its listening port");
      assertTrue(b.seen.stream().allMatch(r -> r.peer().equals(a.id()) && r.observedAddress().equals(a.address())));
      assertTrue(a.transport.datagrams().dropped().isEmpty(), "no packet went unrouted: " + a.transport.datagrams().dropped());
      assertTrue(b.transport.datagrams().dropped().isEmpty());
    }
  }

  @Test
  void aSlowAnswerDoesNotDelayOtherRequestsOnTheSameConnection() {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT)); // connection up
      AtomicInteger calls = new AtomicInteger();
      b.answer = request -> calls.getAndIncrement() == 0
          ? CompletableFuture.supplyAsync(Ack::new, CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS))
          : CompletableFuture.completedFuture(new Ack());

      CompletableFuture<Reply> slow = a.transport.request(b.contact(), a.ping(), TIMEOUT).toCompletableFuture();
      long start = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT));
      }
      long fastMillis = (System.nanoTime() - start) / 1_000_000;

      assertTrue(fastMillis < 1500, "10 requests behind a 2 s answer took " + fastMillis + " ms");
      assertTrue(!slow.isDone(), "the slow answer is still pending");
      assertInstanceOf(Ack.class, TestNode.await(slow).response());
      assertEquals(1, a.transport.handshakesDialed());
    }
  }

  @Test
  void requestToASilentAddressFailsWithTimeoutWithinTheTimeout() throws Exception {
    try (TestNode a = new TestNode();
        DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      long start = System.nanoTime();
      Throwable failure = TestNode.failureOf(a.transport.request(
          (InetSocketAddress) silent.getLocalSocketAddress(), a.ping(), Duration.ofMillis(500)));
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertEquals(Kind.TIMEOUT, ((TransportException) failure).kind());
      assertTrue(millis < 1500, "failed after " + millis + " ms");
      assertEquals(1, a.transport.stats().requestsFailed());
    }
  }

  @Test
  void failingHandlerStageRejectsOnlyThatRequest() {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      b.answer = request -> CompletableFuture.failedFuture(new IllegalStateException("boom"));
      Throwable failure = TestNode.failureOf(a.transport.request(b.contact(), a.ping(), TIMEOUT));
      assertEquals(Kind.REJECTED, ((TransportException) failure).kind());

      b.answer = request -> CompletableFuture.<Response>completedFuture(new Ack());
      assertInstanceOf(Ack.class, TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT)).response());
    }
  }

  @Test
  void aClosedConnectionLeavesThePoolAndTheNextRequestRedials() throws Exception {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      QuicChannel first = TestNode.await(a.transport.connectionTo(b.contact()));
      first.close().sync();

      TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT));

      assertEquals(2, a.transport.handshakesDialed());
    }
  }

  @Test
  void aPeerRestartedOnItsPortIsRedialedAfterAtMostOneTimeout() {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT));
      b.transport.crash(); // no CONNECTION_CLOSE: a's pooled connection still looks active
      TestNode.await(b.transport.shutdown());

      QuicTransportConfig samePort = QuicTransportConfig.loopback().withBindAddress(b.address());
      try (TestNode restarted = new TestNode(b.keypair, samePort, new MessageStreamAdapters())) {
        CompletableFuture<Reply> first =
            a.transport.request(b.contact(), a.ping(), Duration.ofMillis(1000)).toCompletableFuture();
        Throwable failure = TestNode.failureOf(first);
        assertEquals(Kind.TIMEOUT, ((TransportException) failure).kind(), "failed with " + failure);
        assertEquals(1L, a.transport.stats().rejected().get("stale-connection"));

        Reply second = TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT));

        assertInstanceOf(Ack.class, second.response());
        assertEquals(2, a.transport.handshakesDialed(), "the second request went through a new connection");
        assertEquals(1, restarted.seen.size());
      }
    }
  }

  @Test
  void aSlowAnswerTimesOutWithoutRetiringTheConnection() {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      b.answer = request -> new CompletableFuture<>(); // never answers
      Throwable failure = TestNode.failureOf(a.transport.request(b.contact(), a.ping(), Duration.ofMillis(500)));
      assertEquals(Kind.TIMEOUT, ((TransportException) failure).kind());

      b.answer = request -> CompletableFuture.<Response>completedFuture(new Ack());
      TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT));

      assertEquals(1, a.transport.handshakesDialed(), "a live but slow peer keeps its connection");
      assertEquals(null, a.transport.stats().rejected().get("stale-connection"));
    }
  }

  @Test
  void idleConnectionsCloseAfterTheIdleTimeout() throws Exception {
    QuicTransportConfig shortIdle = QuicTransportConfig.loopback().withIdleTimeout(Duration.ofMillis(500));
    try (TestNode a = new TestNode(shortIdle); TestNode b = new TestNode(shortIdle)) {
      QuicChannel connection = TestNode.await(a.transport.connectionTo(b.contact()));

      assertTrue(connection.closeFuture().await(5, TimeUnit.SECONDS), "idle connection closed");
      eventually(() -> a.transport.stats().connections() == 0 && b.transport.stats().connections() == 0);
    }
  }

  @Test
  void shutdownReleasesThePort() {
    TestNode a = new TestNode();
    TestNode b = new TestNode();
    TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT));
    InetSocketAddress address = a.address();
    a.close();
    b.close();

    try (TestNode again = new TestNode(QuicTransportConfig.loopback().withBindAddress(address))) {
      assertEquals(address, again.address());
    }
  }

  @Test
  void requestsAfterShutdownFailWithClosed() {
    TestNode a = new TestNode();
    Contact somewhere = a.contact();
    a.close();

    Throwable failure = TestNode.failureOf(a.transport.request(somewhere, a.ping(), TIMEOUT));
    assertEquals(Kind.CLOSED, ((TransportException) failure).kind());
  }

  @Test
  void aRequestStreamEndingInsideItsFrameIsResetAndCounted() throws Exception {
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      QuicChannel connection = TestNode.await(a.transport.connectionTo(b.contact()));
      RawStream stream = RawStream.open(connection);
      // The header announces 10 bytes, 3 arrive, then FIN.
      stream.send(new byte[] {0x0a, 1, 2, 3}, true);

      assertInstanceOf(QuicStreamResetException.class, stream.outcome.get(5, TimeUnit.SECONDS));
      assertEquals(1L, b.transport.stats().rejected().get("malformed"));
      assertTrue(b.seen.isEmpty());
      assertInstanceOf(Ack.class, TestNode.await(a.transport.request(b.contact(), a.ping(), TIMEOUT)).response());
    }
  }

  /** {@code body} as the one frame a raw request stream carries. */
  private static byte[] frame(byte[] body) {
    ByteBuf frame = FrameCodec.MESSAGES.encode(body, UnpooledByteBufAllocator.DEFAULT);
    try {
      return ByteBufUtil.getBytes(frame);
    } finally {
      frame.release();
    }
  }

  /** The message in a raw stream's answer, which must be exactly one frame. */
  private static Message decodeFrame(byte[] answer) throws WireFormatException {
    ByteBuf in = Unpooled.wrappedBuffer(answer);
    byte[] body = FrameCodec.MESSAGES.tryDecode(in);
    assertTrue(body != null && !in.isReadable(), "exactly one frame");
    return WireCodec.decode(body);
  }

}
