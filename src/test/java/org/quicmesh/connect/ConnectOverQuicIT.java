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
 * connecting node skips its direct attempt (direct-timeout of 1 ms); the NAT lab runs the same pipeline for real.
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
    MeshConfig base = MeshConfig.fromConfig(ConfigFactory.parseString("quicmesh.connect.direct-timeout = 1ms")
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

  private static Quicmesh start(String name, MeshConfig config) throws Exception {
    return start(name, config, Keypair.generate());
  }

  private static Quicmesh start(String name, MeshConfig config, Keypair keypair) throws Exception {
    return Quicmesh.start(KIT.system(), name, config, keypair, Transports.quic(), NodeEnvironment.system())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** B publishes its record again once it holds a reservation; wait until A resolves one naming the relay. */
  private static void awaitRelayInRecord(Quicmesh a, Keypair b) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try {
        if (!a.resolve(b.nodeId()).toCompletableFuture().get(10, TimeUnit.SECONDS).relays().isEmpty()) {
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
