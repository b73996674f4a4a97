package org.quicmesh.node;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact.Addresses;

/**
 * N real QUIC nodes on 127.0.0.1 in one actor system, each joining through a random earlier node, for the integration
 * tests that need a whole mesh.
 */
public final class QuicMeshFixture {
  public final List<Quicmesh> nodes = new ArrayList<>();
  public final List<NodeId> ids = new ArrayList<>();

  private QuicMeshFixture() {}

  /** Starts the nodes and waits (at most {@code joinWait}) until every DHT bootstrap has finished. */
  public static QuicMeshFixture start(ActorSystem<?> system, String namePrefix, int count, long seed,
      Duration joinWait) throws Exception {
    QuicMeshFixture mesh = new QuicMeshFixture();
    MeshConfig base = MeshConfig.load().withListen(Addresses.parse("127.0.0.1:0"));
    Random random = new Random(seed);
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      MeshConfig config = i == 0 ? base : base.withBootstrap(List.of(addresses.get(random.nextInt(i))));
      Keypair keypair = Keypair.generate();
      Quicmesh node = Quicmesh.start(system, namePrefix + i, config, keypair, Transports.quic(),
          NodeEnvironment.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      mesh.nodes.add(node);
      mesh.ids.add(keypair.nodeId());
      addresses.add(node.status().toCompletableFuture().get(10, TimeUnit.SECONDS).listen().get(0));
    }
    long deadline = System.nanoTime() + joinWait.toNanos();
    for (Quicmesh node : mesh.nodes.subList(1, count)) {
      while (!node.status().toCompletableFuture().get(10, TimeUnit.SECONDS).telemetry().dht().bootstrap()
          .startsWith("joined") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
    return mesh;
  }

  /** Shuts every node down (sockets released). */
  public void shutdown() throws Exception {
    CompletableFuture.allOf(nodes.stream().map(m -> m.shutdown().toCompletableFuture())
        .toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }
}
