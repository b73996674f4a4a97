package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.wire.Contact.Addresses;

/** An application that embeds a node and passes its own MeterRegistry sees the node's meters move. */
@Tag("integration")
class EmbedderMetersIT {
  private static final ActorTestKit KIT = ActorTestKit.create("embedder-meters");

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void theEmbeddersRegistryReceivesTheNodesMeters() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MeshConfig config = MeshConfig.fromConfig(ConfigFactory.parseString("quicmesh.metrics.refresh-interval = 100ms")
        .withFallback(ConfigFactory.load())).withListen(Addresses.parse("127.0.0.1:0"));
    Keypair keypair = Keypair.generate();
    Quicmesh metered = Quicmesh.start(KIT.system(), "metered", config, keypair, Transports.quic(),
        NodeEnvironment.system(), registry).toCompletableFuture().get(20, TimeUnit.SECONDS);
    var seed = metered.status().toCompletableFuture().get(10, TimeUnit.SECONDS).listen().get(0);
    Quicmesh other = Quicmesh.start(KIT.system(), "other", config.withBootstrap(List.of(seed)), Keypair.generate(),
        Transports.quic(), NodeEnvironment.system()).toCompletableFuture().get(20, TimeUnit.SECONDS);
    NodeStatus otherStatus = other.status().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (int poll = 0; poll < 100 && !otherStatus.telemetry().dht().bootstrap().startsWith("joined"); poll++) {
      Thread.sleep(50);
      otherStatus = other.status().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    var otherId = otherStatus.nodeId();
    metered.ping(PeerTarget.of(otherId)).toCompletableFuture().get(20, TimeUnit.SECONDS);
    metered.findNode(Keypair.generate().nodeId()).toCompletableFuture().get(20, TimeUnit.SECONDS);

    String node = keypair.nodeId().toHex().substring(0, NodeMeters.NODE_TAG_CHARS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (registry.get("quicmesh.transport.requests.received").tag("node", node).functionCounter().count() < 1
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(registry.get("quicmesh.transport.requests.received").tag("node", node).functionCounter().count() >= 1);
    assertEquals(1, registry.get("quicmesh.dht.table.contacts").tag("node", node).gauge().value());
    assertTrue(registry.get("quicmesh.dht.rpc.rtt").tag("node", node).timer().count() >= 1);
    assertTrue(registry.get("quicmesh.dht.lookup.duration").tag("node", node).timer().count() >= 1);

    metered.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    other.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(List.of(), registry.getMeters(), "a stopped node's meters leave the embedder's registry");
  }
}
