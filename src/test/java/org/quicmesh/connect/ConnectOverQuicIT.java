package org.quicmesh.connect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.identity.Keypair;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.NodeEnvironment;
import org.quicmesh.node.Quicmesh;
import org.quicmesh.node.Transports;
import org.quicmesh.wire.Contact.Addresses;

/**
 * Connecting by NodeId over real QUIC on loopback, through a relay: the connection comes up relayed, moves to the
 * direct path found by hole punching, and carries bytes in order. Loopback cannot block the direct path, so the
 * connecting node skips its direct attempt (direct-timeout of 0); the NAT lab runs the same pipeline for real.
 */
@Tag("integration")
@Timeout(90)
class ConnectOverQuicIT {
  private static final ActorTestKit KIT = ActorTestKit.create("connect-quic");

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void aPeerReachedThroughItsRelayIsUpgradedToDirectAndGetsEveryByte() throws Exception {
    MeshConfig base = MeshConfig.fromConfig(ConfigFactory.parseString("quicmesh.connect.direct-timeout = 0s")
        .withFallback(ConfigFactory.load())).withListen(Addresses.parse("127.0.0.1:0"));
    Quicmesh relay = start("relay", base.withRelay(true));
    var relayAddress = relay.status().toCompletableFuture().get(10, TimeUnit.SECONDS).listen().get(0);
    Keypair bKey = Keypair.generate();
    Quicmesh b = start("b", base.withBootstrap(List.of(relayAddress)).withRelayServers(List.of(relayAddress)),
        bKey);
    Quicmesh a = start("a", base.withBootstrap(List.of(relayAddress)));
    try {
      awaitRelayInRecord(a, bKey);
      TestProbe<ConnectionEvent> bEvents = KIT.createTestProbe(ConnectionEvent.class);
      b.watchConnections(bEvents.ref());

      ConnectionInfo first = a.connect(bKey.nodeId()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals("relayed", first.path(), "the direct attempt was skipped, so the relay carried it first");
      assertEquals(relayAddress, first.remote());

      ConnectionInfo upgraded = awaitPath(a, bKey, "direct");
      assertEquals(1, upgraded.pathChanges(), upgraded.toString());
      assertEquals(b.status().toCompletableFuture().get(10, TimeUnit.SECONDS).listen().get(0), upgraded.remote());

      byte[] data = new byte[200_000];
      new Random(7).nextBytes(data);
      a.send(bKey.nodeId(), data).toCompletableFuture().get(30, TimeUnit.SECONDS);
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (received.size() < data.length && System.nanoTime() < deadline) {
        ConnectionEvent event = bEvents.receiveMessage(Duration.ofSeconds(10));
        if (event instanceof ConnectionEvent.DataReceived chunk) {
          received.write(chunk.data());
        }
      }
      assertArrayEquals(data, received.toByteArray(), "every byte, in order");
      assertTrue(a.connections().toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
          .anyMatch(c -> c.peer().equals(bKey.nodeId()) && c.isDirect()));
    } finally {
      for (Quicmesh node : List.of(a, b, relay)) {
        node.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Two hosts that cannot punch (the attempt gets 1 ms) talk through B's first relay, which then shuts down while A
   * sends: A moves the same QUIC connection (no new handshake) to B's other relay, and every byte arrives in order.
   */
  @Test
  void aConnectionWhoseRelayShutsDownMovesToTheOtherRelayWithoutANewHandshake() throws Exception {
    MeshConfig base = MeshConfig.fromConfig(ConfigFactory.parseString(
        "quicmesh.connect { direct-timeout = 0s, punch-timeout = 1ms, upgrade-retry = 10m }")
        .withFallback(ConfigFactory.load())).withListen(Addresses.parse("127.0.0.1:0"));
    Quicmesh relay1 = start("relay1", base.withRelay(true));
    var relay1Address = relay1.status().toCompletableFuture().get(10, TimeUnit.SECONDS).listen().get(0);
    Quicmesh relay2 = start("relay2", base.withRelay(true).withBootstrap(List.of(relay1Address)));
    var relay2Address = relay2.status().toCompletableFuture().get(10, TimeUnit.SECONDS).listen().get(0);
    Keypair bKey = Keypair.generate();
    Quicmesh b = start("b2", base.withBootstrap(List.of(relay1Address))
        .withRelayServers(List.of(relay1Address, relay2Address)), bKey);
    java.util.concurrent.atomic.AtomicReference<org.quicmesh.transport.quic.QuicTransport> aTransport =
        new java.util.concurrent.atomic.AtomicReference<>();
    Quicmesh a = Quicmesh.start(KIT.system(), "a2", base.withBootstrap(List.of(relay1Address)), Keypair.generate(),
        (system, keypair, config) -> {
          var transport = (org.quicmesh.transport.quic.QuicTransport) Transports.quic().create(system, keypair, config);
          aTransport.set(transport);
          return transport;
        }, NodeEnvironment.system()).toCompletableFuture().get(20, TimeUnit.SECONDS);
    List<Quicmesh> running = new java.util.ArrayList<>(List.of(a, b, relay2));
    try {
      awaitRelaysInRecord(a, bKey, 2);
      TestProbe<ConnectionEvent> bEvents = KIT.createTestProbe(ConnectionEvent.class);
      b.watchConnections(bEvents.ref());
      ConnectionInfo first = a.connect(bKey.nodeId()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals("relayed", first.path(), first.toString());
      Quicmesh lost = first.relay().equals(relay1.status().toCompletableFuture().get(5, TimeUnit.SECONDS).nodeId())
          ? relay1 : relay2;
      if (lost == relay2) {
        running.remove(relay2);
        running.add(relay1);
      }
      byte[] before = new byte[50_000];
      new Random(1).nextBytes(before);
      a.send(bKey.nodeId(), before).toCompletableFuture().get(30, TimeUnit.SECONDS);
      long handshakes = aTransport.get().handshakesDialed();

      lost.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
      long cut = System.nanoTime();
      byte[] across = new byte[200_000];
      new Random(2).nextBytes(across);
      a.send(bKey.nodeId(), across).toCompletableFuture().get(60, TimeUnit.SECONDS);
      System.out.printf("relay failover: 200 KB sent across the relay's shutdown acknowledged after %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut));

      ConnectionInfo moved = a.connect(bKey.nodeId()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals("relayed", moved.path(), moved.toString());
      assertTrue(!moved.relay().equals(first.relay()) && moved.pathChanges() == 1, "on the other relay: " + moved);
      assertEquals(handshakes, aTransport.get().handshakesDialed(), "the same QUIC connection, no new handshake");
      assertEquals(1L, a.status().toCompletableFuture().get(10, TimeUnit.SECONDS).telemetry().counters()
          .get("connect.failovers.relayed"), "telemetry counts the failover");
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      while (received.size() < before.length + across.length) {
        if (bEvents.receiveMessage(Duration.ofSeconds(10)) instanceof ConnectionEvent.DataReceived chunk) {
          received.write(chunk.data());
        }
      }
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.write(before);
      expected.write(across);
      assertArrayEquals(expected.toByteArray(), received.toByteArray(), "every byte once, in order");
    } finally {
      for (Quicmesh node : running) {
        node.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Quicmesh start(String name, MeshConfig config) throws Exception {
    return start(name, config, Keypair.generate());
  }

  private static Quicmesh start(String name, MeshConfig config, Keypair keypair) throws Exception {
    return Quicmesh.start(KIT.system(), name, config, keypair, Transports.quic(), NodeEnvironment.system())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** B publishes its record again once it holds a reservation; wait until A resolves one naming the relay. */
  private static void awaitRelayInRecord(Quicmesh a, Keypair b) throws Exception {
    awaitRelaysInRecord(a, b, 1);
  }

  private static void awaitRelaysInRecord(Quicmesh a, Keypair b, int relays) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try {
        if (a.resolve(b.nodeId()).toCompletableFuture().get(10, TimeUnit.SECONDS).relays().size() >= relays) {
          return;
        }
      } catch (Exception notYet) {
        // not published yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("B's record never named its relay");
  }

  private static ConnectionInfo awaitPath(Quicmesh a, Keypair b, String path) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    ConnectionInfo info = null;
    while (System.nanoTime() < deadline) {
      info = a.connect(b.nodeId()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      if (info.path().equals(path)) {
        return info;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("connection never went " + path + ": " + info);
  }
}
