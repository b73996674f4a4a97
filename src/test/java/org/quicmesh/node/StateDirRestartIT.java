package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact.Addresses;

/** A node restarted with its state dir and no bootstrap node rejoins through its cached contacts (real QUIC). */
@Tag("integration")
class StateDirRestartIT {
  private static final ActorTestKit KIT = ActorTestKit.create("state-dir");

  @TempDir
  Path dir;

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static MeshConfig base() {
    return MeshConfig.fromConfig(ConfigFactory.parseString("quicmesh.state.save-interval = 1h")
        .withFallback(ConfigFactory.load())).withListen(Addresses.parse("127.0.0.1:0"));
  }

  private static Quicmesh start(String name, MeshConfig config, Keypair keypair) throws Exception {
    return Quicmesh.start(KIT.system(), name, config, keypair, Transports.quic(), NodeEnvironment.system())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static NodeStatus joined(Quicmesh node) throws Exception {
    NodeStatus status = node.status().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (int poll = 0; poll < 200 && !status.telemetry().dht().bootstrap().startsWith("joined"); poll++) {
      Thread.sleep(50);
      status = node.status().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    assertTrue(status.telemetry().dht().bootstrap().startsWith("joined"), status.telemetry().dht().bootstrap());
    return status;
  }

  @Test
  void aRestartedNodeRejoinsFromItsCachedContactsAndAnswersALookup() throws Exception {
    Quicmesh seed = start("seed", base(), Keypair.generate());
    var seedAddress = seed.status().toCompletableFuture().get(10, TimeUnit.SECONDS).listen().get(0);
    Quicmesh other = start("other", base().withBootstrap(List.of(seedAddress)), Keypair.generate());
    NodeId otherId = joined(other).nodeId();

    MeshConfig stateful = base().withStateDir(dir.resolve("state"));
    Keypair identity = Keypair.loadOrCreate(stateful.identityFile().orElseThrow());
    Quicmesh first = start("first-run", stateful.withBootstrap(List.of(seedAddress)), identity);
    joined(first);
    first.ping(PeerTarget.of(otherId)).toCompletableFuture().get(20, TimeUnit.SECONDS);
    first.shutdown().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertTrue(Files.isRegularFile(dir.resolve("state").resolve(ContactCache.FILE)), "flushed at shutdown");

    // Same state dir, no bootstrap: the identity and the contacts come from the directory.
    assertEquals(identity.nodeId(), Keypair.loadOrCreate(stateful.identityFile().orElseThrow()).nodeId());
    long started = System.nanoTime();
    Quicmesh second = start("second-run", stateful, Keypair.loadOrCreate(stateful.identityFile().orElseThrow()));
    NodeStatus status = joined(second);
    assertTrue(status.telemetry().counters().getOrDefault("state.contacts_loaded", 0L) >= 2,
        status.telemetry().counters().toString());
    Pong pong = second.ping(PeerTarget.of(otherId)).toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals(otherId, pong.peer());
    // Its peers learn the new address as it rejoins: they find it by its id again.
    assertEquals(identity.nodeId(), other.ping(PeerTarget.of(identity.nodeId())).toCompletableFuture()
        .get(20, TimeUnit.SECONDS).peer());
    assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 15, "rejoined within seconds");

    for (Quicmesh node : List.of(second, other, seed)) {
      node.shutdown().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCorruptCacheIsIgnoredWithAWarningAndTheNodeStillServes() throws Exception {
    Path state = dir.resolve("corrupt");
    Files.createDirectories(state);
    Files.writeString(state.resolve(ContactCache.FILE), "{\"version\":1,\"contacts\":[{\"node\":");
    Quicmesh node = start("corrupt", base().withStateDir(state), Keypair.generate());
    NodeStatus status = node.status().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (int poll = 0; poll < 100 && !status.telemetry().dht().bootstrap().startsWith("no seeds"); poll++) {
      Thread.sleep(20);
      status = node.status().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    assertEquals(1L, status.telemetry().counters().get("state.cache_corrupt"));
    assertTrue(status.telemetry().dht().bootstrap().startsWith("no seeds"), status.telemetry().dht().bootstrap());
    node.shutdown().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aNodeRestartedAloneWithItsStateDirStillAnswersAFindValueForWhatItHeld() throws Exception {
    Path state = dir.resolve("values");
    MeshConfig stateful = base().withStateDir(state);
    Keypair identity = Keypair.loadOrCreate(stateful.identityFile().orElseThrow());
    Quicmesh holder = start("holder", stateful, identity);
    var holderAddress = holder.status().toCompletableFuture().get(10, TimeUnit.SECONDS).listen().get(0);
    Quicmesh publisher = start("publisher", base().withBootstrap(List.of(holderAddress)), Keypair.generate());
    joined(publisher);
    byte[] value = "kept across a restart".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var put = publisher.put(value).toCompletableFuture().get(20, TimeUnit.SECONDS);
    // The publisher leaves first: the holder's copy is then all there is.
    publisher.shutdown().toCompletableFuture().get(20, TimeUnit.SECONDS);
    holder.shutdown().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertTrue(Files.isRegularFile(state.resolve(ValueCache.FILE)), "values flushed at shutdown");

    Quicmesh restarted = start("holder-again", stateful, Keypair.loadOrCreate(stateful.identityFile().orElseThrow()));
    var restartedAddress = restarted.status().toCompletableFuture().get(10, TimeUnit.SECONDS).listen().get(0);
    NodeStatus status = restarted.status().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (int poll = 0; poll < 100 && restored(status) == 0; poll++) {
      Thread.sleep(20);
      status = restarted.status().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    // The value, and the endpoint records it held (its own is published afresh anyway).
    assertTrue(restored(status) >= 1, status.telemetry().dht().counters().toString());
    // A newcomer that knows only the restarted node asks it over the network.
    Quicmesh asker = start("asker", base().withBootstrap(List.of(restartedAddress)), Keypair.generate());
    joined(asker);
    assertArrayEquals(value, asker.get(put.key()).toCompletableFuture().get(20, TimeUnit.SECONDS));
    for (Quicmesh node : List.of(asker, restarted)) {
      node.shutdown().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  private static long restored(NodeStatus status) {
    return status.telemetry().dht().counters().getOrDefault("state.values_restored", 0L);
  }
}
