package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
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
import org.quicmesh.nat.relay.RelayForwarder;
import org.quicmesh.nat.relay.RelaySettings;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.RelayFrame;
import org.quicmesh.transport.Reply;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.RelayForward;

/**
 * The path layer beneath QUIC: a connection made through a relay session moves to the direct path and back while a
 * stream is in flight, with one handshake and every byte in order.
 */
@Tag("integration")
@Timeout(120)
class PathLayerTest {
  private static final int CHUNK = 8 * 1024;
  private static final long SESSION_A = 0x1111_2222_3333_4444L;
  private static final long SESSION_B = 0x5555_6666_7777_8888L;
  private static ActorSystem<Void> system;

  @BeforeAll
  static void startSystem() {
    system = ActorSystem.create(Behaviors.empty(), "path-layer");
  }

  @AfterAll
  static void stopSystem() {
    system.terminate();
  }

  @Test
  void aRelayedConnectionMovesToDirectAndBackWithoutANewHandshakeOrLostBytes() throws Exception {
    try (TestNode a = new TestNode(); TestNode b = new TestNode(); TestNode relay = new TestNode();
        RelayForwarder forwarder = new RelayForwarder(relay.transport.datagrams(), Clock.systemUTC(),
            RelaySettings.defaults().withEnabled(true))) {
      forwarder.open(SESSION_A, a.address(), SESSION_B, b.address());
      Path.Relayed aViaRelay = new Path.Relayed(relay.id(), relay.address(), SESSION_A);
      Path.Relayed bViaRelay = new Path.Relayed(relay.id(), relay.address(), SESSION_B);
      a.transport.paths().route(b.id(), aViaRelay);
      b.transport.paths().route(a.id(), bViaRelay);

      Reply relayed = TestNode.await(a.transport.request(b.contact(), a.ping(), TestNode.WAIT));
      assertInstanceOf(Ack.class, relayed.response());
      assertEquals(b.id(), relayed.peer(), "the peer was verified end to end through the relay");
      assertEquals(relay.address(), relayed.address(), "the reply names the real path, the relay");
      assertEquals(relay.address(), b.seen.get(0).observedAddress());
      long relayedPackets = forwarder.packetsForwarded();
      assertTrue(relayedPackets > 0, "packets went through the relay");

      int chunks = 600;
      AtomicLong received = new AtomicLong();
      CompletionStage<Done> sent = Source.range(0, chunks - 1)
          .map(i -> (Message) new RelayForward(a.contact(), i, TestNode.patterned(i, CHUNK)))
          .runWith(a.transport.streamTo(b.contact()), Materializer.matFromSystem(system));
      CompletionStage<Done> delivered = b.firstStream().runForeach(m -> {
        RelayForward chunk = (RelayForward) m;
        long expected = received.getAndIncrement();
        assertEquals(expected, chunk.sessionId(), "in order");
        assertArrayEquals(TestNode.patterned((int) expected, CHUNK), chunk.payload());
      }, Materializer.matFromSystem(system));

      awaitAtLeast(received, chunks / 3);
      a.transport.paths().route(b.id(), new Path.Direct(b.address()));
      b.transport.paths().route(a.id(), new Path.Direct(a.address()));
      long atSwitch = forwarder.packetsForwarded();
      awaitAtLeast(received, 2 * chunks / 3);
      a.transport.paths().route(b.id(), aViaRelay);
      b.transport.paths().route(a.id(), bViaRelay);

      sent.toCompletableFuture().get(60, TimeUnit.SECONDS);
      delivered.toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertEquals(chunks, received.get());
      Reply direct = TestNode.await(a.transport.request(b.contact(), a.ping(), TestNode.WAIT));
      assertEquals(relay.address(), direct.address());

      assertEquals(1, a.transport.handshakesDialed(), "one connection throughout");
      assertEquals(1, b.transport.handshakesAccepted());
      assertEquals(0, a.transport.handshakesAccepted() + b.transport.handshakesDialed());
      assertTrue(forwarder.packetsForwarded() > atSwitch, "back on the relay at the end");
      System.out.printf("path layer: %d packets relayed before the switch, %d in all; dropped %s%n",
          atSwitch, forwarder.packetsForwarded(), forwarder.dropped());
    }
  }

  @Test
  void theTwoEndsMayUseDifferentPathsOneSendingDirectWhileTheOtherStillRelays() throws Exception {
    try (TestNode a = new TestNode(); TestNode b = new TestNode(); TestNode relay = new TestNode();
        RelayForwarder forwarder = new RelayForwarder(relay.transport.datagrams(), Clock.systemUTC(),
            RelaySettings.defaults().withEnabled(true))) {
      forwarder.open(SESSION_A, a.address(), SESSION_B, b.address());
      a.transport.paths().route(b.id(), new Path.Relayed(relay.id(), relay.address(), SESSION_A));
      b.transport.paths().route(a.id(), new Path.Relayed(relay.id(), relay.address(), SESSION_B));
      TestNode.await(a.transport.request(b.contact(), a.ping(), TestNode.WAIT));

      a.transport.paths().route(b.id(), new Path.Direct(b.address()));
      long relayedBefore = forwarder.packetsForwarded();
      for (int i = 0; i < 20; i++) {
        assertInstanceOf(Ack.class, TestNode.await(a.transport.request(b.contact(), a.ping(), TestNode.WAIT))
            .response(), "requests go direct, answers come back through the relay");
      }
      assertTrue(forwarder.packetsForwarded() > relayedBefore, "b still answered through the relay");
      assertEquals(0, a.transport.stats().rejected().getOrDefault("relay-unknown-session", 0L),
          "a still takes the frames of the session it no longer sends on");
      assertEquals(1, a.transport.handshakesDialed());
    }
  }

  @Test
  void framesOfAnUnknownSessionOrFromTheWrongAddressAreDroppedAndCounted() throws Exception {
    try (TestNode a = new TestNode(); TestNode b = new TestNode(); TestNode stranger = new TestNode();
        TestNode relay = new TestNode();
        RelayForwarder forwarder = new RelayForwarder(relay.transport.datagrams(), Clock.systemUTC(),
            RelaySettings.defaults().withEnabled(true))) {
      forwarder.open(SESSION_A, a.address(), SESSION_B, b.address());
      byte[] payload = {0x40, 1, 2, 3};
      TestNode.await(stranger.transport.datagrams().send(relay.address(),
          new RelayFrame(RelayFrame.Direction.TO_RELAY, SESSION_A, payload).toBytes()));
      TestNode.await(a.transport.datagrams().send(relay.address(),
          new RelayFrame(RelayFrame.Direction.TO_RELAY, 42, payload).toBytes()));
      TestNode.await(a.transport.datagrams().send(b.address(),
          new RelayFrame(RelayFrame.Direction.FROM_RELAY, 42, payload).toBytes()));

      awaitCount(() -> forwarder.dropped().getOrDefault("spoofed-source", 0L), 1);
      awaitCount(() -> forwarder.dropped().getOrDefault("unknown-session", 0L), 1);
      awaitCount(() -> b.transport.stats().rejected().getOrDefault("relay-unknown-session", 0L), 1);
      assertEquals(0, forwarder.packetsForwarded());
      assertInstanceOf(Ack.class, TestNode.await(a.transport.request(b.contact(), a.ping(), TestNode.WAIT))
          .response(), "the node keeps serving");
    }
  }



  private static void awaitAtLeast(AtomicLong counter, long target) throws InterruptedException {
    awaitCount(counter::get, target);
  }

  private static void awaitCount(java.util.function.LongSupplier counter, long target) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (counter.getAsLong() < target) {
      assertTrue(System.nanoTime() < deadline, "stuck at " + counter.getAsLong() + " of " + target);
      Thread.sleep(5);
    }
  }
}
