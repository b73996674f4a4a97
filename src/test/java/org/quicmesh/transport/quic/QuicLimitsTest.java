package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.identity.Keypair;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.TransportException;
import org.quicmesh.transport.TransportException.Kind;
import org.quicmesh.transport.limits.TransportLimits;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.Store;

/**
 * One peer floods a node over real QUIC on loopback; the flood is refused with a specific reason and counted, and
 * another peer is still served with normal latency. Distinct loopback addresses (127.0.0.x) stand for distinct remote
 * IPs, with the loopback exemption switched off.
 */
@Tag("integration")
@Timeout(90)
class QuicLimitsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static QuicTransportConfig limited(TransportLimits limits) {
    return QuicTransportConfig.loopback().withLimits(limits.withExemptLoopback(false));
  }

  private static QuicTransportConfig from(String ip) {
    return QuicTransportConfig.loopback().withBindAddress(new InetSocketAddress(ip, 0));
  }

  private static long rejected(TestNode node, String reason) {
    return node.transport.stats().rejected().getOrDefault(reason, 0L);
  }

  /** Waits for listeners on other threads; generous, since the CI machine may be busy with other work. */
  private static void eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 15 s");
      Thread.sleep(20);
    }
  }

  @Test
  void aFloodOfConcurrentRequestsIsRefusedPerPeerWhileAnotherPeerKeepsItsLatency() throws Exception {
    TransportLimits limits = TransportLimits.defaults().withInflight(8, 64L * 1024 * 1024)
        .withRequestsPerPeerPerSecond(1_000_000);
    try (TestNode server = new TestNode(limited(limits));
        TestNode flooder = new TestNode();
        TestNode honest = new TestNode()) {
      // The flooder's requests are answered slowly, so they pile up against its in-flight limit.
      server.answer = request -> request.peer().equals(flooder.id())
          ? CompletableFuture.supplyAsync(Ack::new, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS))
          : CompletableFuture.completedFuture(new Ack());
      long[] quiet = pingLatencies(honest, server, 100);

      AtomicInteger answered = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      List<Throwable> otherFailures = java.util.Collections.synchronizedList(new ArrayList<>());
      Semaphore window = new Semaphore(100);
      Thread flood = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          try {
            window.acquire();
          } catch (InterruptedException e) {
            return;
          }
          flooder.transport.request(server.contact(), flooder.ping(), TIMEOUT).whenComplete((reply, failure) -> {
            Throwable error = failure instanceof CompletionException ? failure.getCause() : failure;
            if (error == null) {
              answered.incrementAndGet();
            } else if (error instanceof TransportException te && te.kind() == Kind.REJECTED
                && te.getMessage().contains("too many requests in flight")) {
              refused.incrementAndGet();
            } else {
              otherFailures.add(error);
            }
            window.release();
          });
        }
      }, "flood");
      flood.start();
      long[] latencies;
      try {
        try {
          eventually(() -> refused.get() > 50);
        } catch (AssertionError e) {
          throw new AssertionError(answered + " answered, " + refused + " refused, " + otherFailures.size()
              + " other: " + otherFailures.stream().limit(3).toList() + "; server " + server.transport.stats(), e);
        }
        latencies = pingLatencies(honest, server, 200);
      } finally {
        flood.interrupt();
        flood.join(5000);
      }
      // The flood's last requests settle before the nodes close.
      assertTrue(window.tryAcquire(100, 10, TimeUnit.SECONDS));
      long p99 = percentileMillis(latencies, 99);
      System.out.printf("flood: %d answered, %d refused, %d other failures; honest peer p50 %d ms, p99 %d ms "
              + "(without the flood: p50 %d ms, p99 %d ms)%n", answered.get(), refused.get(), otherFailures.size(),
          percentileMillis(latencies, 50), p99, percentileMillis(quiet, 50), percentileMillis(quiet, 99));
      assertTrue(p99 < 1000, "honest p99 " + p99 + " ms under the flood");
      assertTrue(answered.get() > 0, "the flooder's requests within its limit are still served");
      assertTrue(otherFailures.isEmpty(), "every flood request was answered or refused: " + otherFailures);
      eventually(() -> rejected(server, "limit-inflight-requests-per-peer") == refused.get());
      try {
        eventually(() -> server.transport.stats().inflightInbound() == 0);
        eventually(() -> server.transport.stats().inboundBufferedBytes() == 0);
      } catch (AssertionError e) {
        throw new AssertionError("still held: " + server.transport.stats(), e);
      }
    }
  }

  /** Round-trip times of {@code count} sequential pings, each of which must be answered. */
  private static long[] pingLatencies(TestNode from, TestNode to, int count) {
    long[] latencies = new long[count];
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      Reply reply = TestNode.await(from.transport.request(to.contact(), from.ping(), TIMEOUT));
      latencies[i] = System.nanoTime() - start;
      assertInstanceOf(Ack.class, reply.response());
    }
    return latencies;
  }

  private static long percentileMillis(long[] nanos, int percentile) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return TimeUnit.NANOSECONDS.toMillis(sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)]);
  }

  @Test
  void requestsOverAPeersRatePerSecondAreRefusedWhileAnotherPeerIsServed() throws Exception {
    TransportLimits limits = TransportLimits.defaults().withRequestsPerPeerPerSecond(20);
    try (TestNode server = new TestNode(limited(limits));
        TestNode flooder = new TestNode();
        TestNode honest = new TestNode()) {
      List<CompletableFuture<Reply>> burst = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        burst.add(flooder.transport.request(server.contact(), flooder.ping(), TIMEOUT).toCompletableFuture());
      }
      int refused = 0;
      for (CompletableFuture<Reply> request : burst) {
        try {
          request.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          assertEquals(Kind.REJECTED, ((TransportException) e.getCause()).kind(), e.getCause().getMessage());
          assertTrue(e.getCause().getMessage().contains("too many requests per second"), e.getCause().getMessage());
          refused++;
        }
      }
      // 20 a second: a burst of 60 gets 20 through, or up to 40 across a second's edge.
      assertTrue(refused >= 20, refused + " of 60 refused");
      assertEquals(refused, rejected(server, "limit-request-rate-per-peer"));
      Reply reply = TestNode.await(honest.transport.request(server.contact(), honest.ping(), TIMEOUT));
      assertInstanceOf(Ack.class, reply.response());
    }
  }

  @Test
  void requestsOverTheInboundByteBudgetAreRefusedAndTheBudgetComesBack() throws Exception {
    TransportLimits limits = TransportLimits.defaults().withInflight(100, 100 * 1024);
    try (TestNode server = new TestNode(limited(limits));
        TestNode flooder = new TestNode();
        TestNode honest = new TestNode()) {
      CompletableFuture<Response> held = new CompletableFuture<>();
      server.answer = request -> request.peer().equals(flooder.id())
          ? held : CompletableFuture.completedFuture(new Ack());
      List<CompletionStage<Reply>> big = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        big.add(flooder.transport.request(server.contact(), store(flooder, i), TIMEOUT));
      }
      eventually(() -> server.seen.size() == 2);
      Throwable refused = TestNode.failureOf(flooder.transport.request(server.contact(), store(flooder, 2), TIMEOUT));
      assertInstanceOf(TransportException.class, refused);
      assertEquals(Kind.REJECTED, ((TransportException) refused).kind());
      assertTrue(refused.getMessage().contains("inbound request memory"), refused.getMessage());
      assertEquals(1, rejected(server, "limit-inbound-bytes"));
      assertTrue(server.transport.stats().inboundBufferedBytes() >= 80_000);

      Reply pong = TestNode.await(honest.transport.request(server.contact(), honest.ping(), TIMEOUT));
      assertInstanceOf(Ack.class, pong.response());

      held.complete(new Ack());
      for (CompletionStage<Reply> reply : big) {
        assertInstanceOf(Ack.class, TestNode.await(reply).response());
      }
      eventually(() -> server.transport.stats().inboundBufferedBytes() == 0);
      assertInstanceOf(Ack.class,
          TestNode.await(flooder.transport.request(server.contact(), store(flooder, 3), TIMEOUT)).response());
    }
  }

  private static Store store(TestNode from, int index) {
    byte[] key = new byte[32];
    key[0] = (byte) index;
    return new Store(from.contact(), key, new byte[40_000], 60_000);
  }

  @Test
  void connectionsOverThePerIpOrTotalLimitAreClosedWithAReasonTheDialerReports() throws Exception {
    TransportLimits limits = TransportLimits.defaults().withConnections(3, 2, 100);
    try (TestNode server = new TestNode(limited(limits));
        TestNode first = new TestNode(from("127.0.0.2"));
        TestNode second = new TestNode(from("127.0.0.2"));
        TestNode third = new TestNode(from("127.0.0.2"));
        TestNode elsewhere = new TestNode(from("127.0.0.3"));
        TestNode late = new TestNode(from("127.0.0.6"))) {
      TestNode.await(first.transport.request(server.contact(), first.ping(), TIMEOUT));
      TestNode.await(second.transport.request(server.contact(), second.ping(), TIMEOUT));
      assertRefused(third.transport.request(server.contact(), third.ping(), TIMEOUT),
          "application error 0x202 (too many connections from your IP address)");
      assertEquals(1, rejected(server, "limit-connections-per-ip"));
      assertEquals(2, server.transport.limitedConnections());

      Reply reply = TestNode.await(elsewhere.transport.request(server.contact(), elsewhere.ping(), TIMEOUT));
      assertInstanceOf(Ack.class, reply.response());
      assertRefused(late.transport.request(server.contact(), late.ping(), TIMEOUT),
          "application error 0x201 (too many connections to this node)");
      assertEquals(1, rejected(server, "limit-connections"));

      first.close();
      eventually(() -> server.transport.limitedConnections() == 2);
      assertInstanceOf(Ack.class,
          TestNode.await(late.transport.request(server.contact(), late.ping(), TIMEOUT)).response());
    }
  }

  private static void assertRefused(CompletionStage<Reply> request, String reason) {
    Throwable refused = TestNode.failureOf(request);
    assertInstanceOf(TransportException.class, refused);
    assertEquals(Kind.REJECTED, ((TransportException) refused).kind(), refused.getMessage());
    assertTrue(refused.getMessage().contains("refused the connection: " + reason), refused.getMessage());
  }

  @Test
  void connectionAttemptsOverThePerIpRateAreRefusedBeforeAHandshake() throws Exception {
    TransportLimits limits = TransportLimits.defaults().withConnections(100, 100, 1);
    QuicTransportConfig dialer = from("127.0.0.4").withHandshakeTimeout(Duration.ofSeconds(1));
    try (TestNode server = new TestNode(limited(limits));
        TestNode a = new TestNode(dialer);
        TestNode b = new TestNode(dialer);
        TestNode c = new TestNode(dialer);
        TestNode d = new TestNode(dialer);
        TestNode elsewhere = new TestNode(from("127.0.0.5"))) {
      List<CompletableFuture<Reply>> dials = new ArrayList<>();
      for (TestNode node : List.of(a, b, c, d)) {
        dials.add(node.transport.request(server.contact(), node.ping(), TIMEOUT).toCompletableFuture());
      }
      int unreachable = 0;
      for (CompletableFuture<Reply> dial : dials) {
        try {
          dial.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          assertEquals(Kind.UNREACHABLE, ((TransportException) e.getCause()).kind(), e.getCause().getMessage());
          unreachable++;
        }
      }
      // One attempt per second: four at once get one or, across a second's edge, two through.
      assertTrue(unreachable >= 2, unreachable + " of 4 refused");
      assertEquals(unreachable, rejected(server, "limit-connection-attempts-per-ip"));
      assertEquals(4 - unreachable, server.transport.handshakesAccepted());

      Reply reply = TestNode.await(elsewhere.transport.request(server.contact(), elsewhere.ping(), TIMEOUT));
      assertInstanceOf(Ack.class, reply.response());
    }
  }

  @Test
  void aNodeShuttingDownTellsItsPeersItIsLeaving() throws Exception {
    try (TestNode caller = new TestNode()) {
      TestNode leaving = new TestNode();
      leaving.answer = request -> new CompletableFuture<>();
      CompletionStage<Reply> pending = caller.transport.request(leaving.contact(), caller.ping(), TIMEOUT);
      eventually(() -> leaving.seen.size() == 1);
      leaving.close();
      Throwable failure = TestNode.failureOf(pending);
      assertInstanceOf(TransportException.class, failure);
      assertEquals(Kind.UNREACHABLE, ((TransportException) failure).kind());
      assertTrue(failure.getMessage().contains("node leaving"), failure.getMessage());
    }
  }
}
