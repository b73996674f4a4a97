package org.quicmesh.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.quicmesh.identity.Keypair;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.Failures;
import org.quicmesh.node.NodeEnvironment;
import org.quicmesh.node.NodeStatus;
import org.quicmesh.node.PeerTarget;
import org.quicmesh.node.Pong;
import org.quicmesh.node.Quicmesh;
import org.quicmesh.node.Transports;
import org.quicmesh.wire.Contact.Addresses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quicmesh demo}: a local mesh of real QUIC nodes on loopback in one process. They join through the first
 * node, ping each other by address and then by verified NodeId, and the demo prints what each node saw.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a local mesh of QUIC nodes on 127.0.0.1, let them find and ping each other, print a status "
        + "table and exit (0 when every ping succeeded).")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--nodes", defaultValue = "5", description = "How many nodes (default: ${DEFAULT-VALUE}).")
  int nodes;

  private final PrintStream out = System.out;
  private final PrintStream progress = System.err;

  @Override
  public Integer call() throws Exception {
    if (nodes < 2 || nodes > 100) {
      progress.println("--nodes must be between 2 and 100");
      return 2;
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "quicmesh-demo");
    List<Quicmesh> mesh = new ArrayList<>();
    try {
      MeshConfig base = MeshConfig.load().withListen(Addresses.parse("127.0.0.1:0"));
      progress.printf("starting %d QUIC nodes on 127.0.0.1 ...%n", nodes);
      mesh.add(start(system, 0, base));
      var seed = status(mesh.get(0)).listen().get(0);
      for (int i = 1; i < nodes; i++) {
        mesh.add(start(system, i, base.withBootstrap(List.of(seed))));
      }
      int[] ok = new int[nodes];
      List<List<Duration>> rtts = new ArrayList<>();
      List<NodeStatus> statuses = new ArrayList<>();
      for (Quicmesh node : mesh) {
        statuses.add(status(node));
        rtts.add(new ArrayList<>());
      }
      progress.println("every node pings every other node, by address and then by NodeId ...");
      for (int i = 0; i < nodes; i++) {
        for (int j = 0; j < nodes; j++) {
          if (i == j) {
            continue;
          }
          NodeStatus target = statuses.get(j);
          Pong byAddress = await(mesh.get(i).ping(PeerTarget.of(target.listen().get(0))));
          Pong byId = await(mesh.get(i).ping(PeerTarget.of(target.nodeId())));
          if (byAddress != null && byId != null && byId.peer().equals(target.nodeId())) {
            ok[i]++;
            rtts.get(i).add(byId.rtt());
          }
        }
      }
      out.printf("%-10s %-22s %6s %10s %12s %14s%n", "node", "listen", "peers", "pings ok", "rtt p50 ms",
          "rejected in");
      int failures = 0;
      for (int i = 0; i < nodes; i++) {
        NodeStatus s = status(mesh.get(i));
        failures += nodes - 1 - ok[i];
        out.printf("%-10s %-22s %6d %10s %12.2f %14d%n", s.nodeId().shortHex(), Addresses.format(s.listen().get(0)),
            s.peers().size(), ok[i] + "/" + (nodes - 1), median(rtts.get(i)),
            s.telemetry().transport().rejected().values().stream().mapToLong(Long::longValue).sum());
      }
      out.println(failures == 0
          ? "OK: all " + nodes + " nodes found and pinged each other over QUIC with verified Ed25519 identities."
          : "FAILED: " + failures + " pings did not succeed.");
      return failures == 0 ? 0 : 1;
    } finally {
      CompletableFuture.allOf(mesh.stream().map(m -> m.shutdown().toCompletableFuture())
          .toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static Quicmesh start(ActorSystem<?> system, int index, MeshConfig config) throws Exception {
    return Quicmesh.start(system, "node-" + index, config, Keypair.generate(), Transports.quic(),
        NodeEnvironment.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static NodeStatus status(Quicmesh node) throws Exception {
    return node.status().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      progress.println("  failed: " + Failures.message(e));
      return null;
    }
  }

  private static double median(List<Duration> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Duration> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2).toNanos() / 1e6;
  }
}
