package org.quicmesh.transport.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.wire.Ack;

/** Raw datagrams cross the simulated network as the QUIC socket carries them: classified, to every listener. */
class SimDatagramsTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  private SimNetwork network;
  private SimTransport a;
  private SimTransport b;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    network = new SimNetwork(KIT.system(), Clock.systemUTC(), LatencyModel.constant(Duration.ofMillis(5)), 1);
    a = started(network.attach(Keypair.generate()));
    b = started(network.attach(Keypair.generate()));
  }

  private static SimTransport started(SimTransport transport) {
    transport.start(new InboundHandler() {
      @Override
      public java.util.concurrent.CompletionStage<org.quicmesh.wire.Response> onRequest(InboundRequest request) {
        return CompletableFuture.completedFuture(new Ack());
      }

      @Override
      public void onStream(org.quicmesh.identity.NodeId peer,
          org.apache.pekko.stream.javadsl.Source<org.quicmesh.wire.Message, org.apache.pekko.NotUsed> messages) {
        messages.runWith(org.apache.pekko.stream.javadsl.Sink.ignore(), KIT.system());
      }
    });
    return transport;
  }

  private static byte[] probe(String text) {
    byte[] magic = DatagramKind.probeMagic();
    byte[] body = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] packet = java.util.Arrays.copyOf(magic, magic.length + body.length);
    System.arraycopy(body, 0, packet, magic.length, body.length);
    return packet;
  }

  @Test
  void aProbeReachesEveryListenerOfItsKindWithItsSenderAndAFailingListenerIsCounted() throws Exception {
    CompletableFuture<Datagram> first = new CompletableFuture<>();
    CompletableFuture<Datagram> second = new CompletableFuture<>();
    b.datagrams().listen(DatagramKind.PROBE, first::complete);
    b.datagrams().listen(DatagramKind.PROBE, d -> {
      throw new IllegalStateException("a faulty layer");
    });
    b.datagrams().listen(DatagramKind.PROBE, second::complete);
    byte[] packet = probe("hello");

    a.datagrams().send(b.address(), packet).toCompletableFuture().get(1, TimeUnit.SECONDS);

    Datagram got = first.get(2, TimeUnit.SECONDS);
    assertArrayEquals(packet, got.payload());
    assertEquals(a.address(), got.sender());
    assertEquals(b.address(), got.local());
    assertArrayEquals(packet, second.get(2, TimeUnit.SECONDS).payload());
    assertEquals(1L, b.stats().rejected().get("datagram-listener-error"));
  }

  @Test
  void unclaimedAndUnknownDatagramsAreDroppedAndCounted() throws Exception {
    a.datagrams().send(b.address(), probe("nobody"));
    a.datagrams().send(b.address(), new byte[] {0x01, 0x02, 0x03});
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (b.stats().rejected().size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1L, b.stats().rejected().get("unclaimed-probe"));
    assertEquals(1L, b.stats().rejected().get("unclaimed-unknown"));
  }

  @Test
  void crashedAndPartitionedHostsReceiveNothing() throws Exception {
    CompletableFuture<Datagram> received = new CompletableFuture<>();
    b.datagrams().listen(DatagramKind.PROBE, received::complete);
    network.crash(b.address());
    a.datagrams().send(b.address(), probe("lost"));
    network.recover(b.address());
    network.partition(List.of(a.address()));
    a.datagrams().send(b.address(), probe("partitioned"));
    Thread.sleep(100);
    assertFalse(received.isDone());
    network.heal();
    a.datagrams().send(b.address(), probe("healed"));
    assertArrayEquals(probe("healed"), received.get(2, TimeUnit.SECONDS).payload());
  }
}
