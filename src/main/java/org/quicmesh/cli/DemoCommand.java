package org.quicmesh.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.quicmesh.dht.PutResult;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.Keypair;
import org.quicmesh.actor.Failures;
import org.quicmesh.cli.lab.NatLab;
import org.quicmesh.cli.lab.NatLabDemo;
import org.quicmesh.node.ActorSystems;
import org.quicmesh.node.MeshConfig;
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
 * {@code quicmesh demo}: a local mesh of real QUIC nodes on loopback in one process. They join through the first node
 * (a DHT bootstrap), ping each other by NodeId located through the DHT, store and fetch a value, publish and resolve a
 * signed endpoint record, and the demo prints what each node saw. Then, where the machine allows it, NAT traversal in
 * a real NAT lab ({@link NatLabDemo}); where it does not, the demo says why that step is skipped.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a local mesh of QUIC nodes on 127.0.0.1: they bootstrap a Kademlia DHT, find and ping each "
        + "other, store and fetch a value, resolve an endpoint record, gossip on a topic; prints a status table. Then, "
        + "as root with ip, iptables and ipset, a NAT lab in network namespaces: one connection goes direct, one stays "
        + "relayed, one moves from the relay to direct when a firewall rule is lifted. Exits 0 when every step that "
        + "ran succeeded.")
final class DemoCommand implements Callable<Integer> {

  /** When the NAT-lab step runs. */
  enum NatLabMode { auto, only, off }

  @Option(names = "--nodes", defaultValue = "5", description = "How many nodes (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--nat-lab", defaultValue = "auto", paramLabel = "auto|only|off",
      description = "auto (default): after the loopback mesh, the NAT lab when this machine can build it (root, ip, "
          + "iptables, ipset, network namespaces), else a line saying why it is skipped; only: just the NAT lab "
          + "(exit 1 when it cannot run); off: no NAT lab.")
  NatLabMode natLab;

  private final PrintStream out;
  private final PrintStream progress;
  private final Supplier<Optional<String>> labUnavailableReason;
  private int failures;

  DemoCommand() {
    this(System.out, System.err, NatLab::unavailableReason);
  }

  /** A demo printing to {@code out} and {@code progress}, asking {@code labUnavailableReason} whether the lab can run. */
  DemoCommand(PrintStream out, PrintStream progress, Supplier<Optional<String>> labUnavailableReason) {
    this.out = out;
    this.progress = progress;
    this.labUnavailableReason = labUnavailableReason;
  }

  @Override
  public Integer call() throws Exception {
    if (nodes < 2 || nodes > 100) {
      progress.println("--nodes must be between 2 and 100");
      return 2;
    }
    int code = natLab == NatLabMode.only ? 0 : loopbackMesh();
    if (natLab == NatLabMode.off) {
      return code;
    }
    NatLabDemo.Outcome lab = new NatLabDemo(out, progress, labUnavailableReason)
        .run(natLab == NatLabMode.only ? "" : "6. ");
    boolean labOk = lab == NatLabDemo.Outcome.PASSED
        || lab == NatLabDemo.Outcome.SKIPPED && natLab == NatLabMode.auto;
    return labOk ? code : 1;
  }

  /** The mesh of {@link #nodes} nodes in this process; 0 when every step succeeded, else 1. */
  private int loopbackMesh() throws Exception {
    ActorSystem<Void> system = ActorSystems.create(Behaviors.empty(), "quicmesh-demo");
    List<Quicmesh> mesh = new ArrayList<>();
    try {
      MeshConfig base = MeshConfig.load().withListen(Addresses.parse("127.0.0.1:0"));
      progress.printf("1. starting %d QUIC nodes on 127.0.0.1; each joins the DHT through the first ...%n", nodes);
      mesh.add(start(system, 0, base));
      var seed = status(mesh.get(0)).listen().get(0);
      for (int i = 1; i < nodes; i++) {
        mesh.add(start(system, i, base.withBootstrap(List.of(seed))));
      }
      awaitJoined(mesh);

      progress.println("2. every node pings every other node by NodeId (located through the DHT) ...");
      List<NodeStatus> statuses = new ArrayList<>();
      for (Quicmesh node : mesh) {
        statuses.add(status(node));
      }
      int[] pingsOk = new int[nodes];
      List<List<Duration>> rtts = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        rtts.add(new ArrayList<>());
        for (int j = 0; j < nodes; j++) {
          if (i != j) {
            Pong pong = await(mesh.get(i).ping(PeerTarget.of(statuses.get(j).nodeId())), "ping");
            if (pong != null && pong.peer().equals(statuses.get(j).nodeId())) {
              pingsOk[i]++;
              rtts.get(i).add(pong.rtt());
            }
          }
        }
      }

      byte[] value = "hello from the quicmesh demo".getBytes(StandardCharsets.UTF_8);
      PutResult put = await(mesh.get(1).put(value), "put");
      progress.printf("3. node 1 stored a value under %s at %s of %s closest nodes; every node fetches it ...%n",
          put == null ? "?" : put.key().shortHex(), put == null ? "?" : put.replicas(),
          put == null ? "?" : put.attempted());
      boolean[] fetched = new boolean[nodes];
      for (int i = 0; i < nodes && put != null; i++) {
        byte[] got = await(mesh.get(i).get(put.key()), "get");
        fetched[i] = got != null && Arrays.equals(got, value);
      }

      progress.println("4. node 0 publishes its signed endpoint record; the last node resolves it ...");
      EndpointRecord published = await(mesh.get(0).publishAddress(), "publish_address");
      EndpointRecord resolved = published == null ? null
          : await(mesh.get(nodes - 1).resolve(statuses.get(0).nodeId()), "resolve");
      boolean resolvedOk = resolved != null && resolved.sequence() == published.sequence();
      if (!resolvedOk) {
        failures++;
      }

      progress.println("5. every node subscribes to topic 'demo'; node 0 publishes 5 messages once the meshes are ready ...");
      List<List<Double>> deliveries = new ArrayList<>();
      java.util.Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
      for (int i = 0; i < nodes; i++) {
        List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        deliveries.add(latencies);
        mesh.get(i).subscribe("demo").runForeach(message -> {
          Long sent = sentAt.get(message.id().toHex());
          latencies.add(sent == null ? Double.NaN : (System.nanoTime() - sent) / 1e6);
        }, system);
      }
      for (Quicmesh node : mesh) {
        await(node.whenTopicReady("demo", Duration.ofSeconds(20)), "topic mesh");
      }
      for (int m = 0; m < 5; m++) {
        long now = System.nanoTime();
        var id = await(mesh.get(0).publish("demo", ("news " + m).getBytes(StandardCharsets.UTF_8)), "publish");
        if (id != null) {
          sentAt.put(id.toHex(), now);
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (deliveries.subList(1, nodes).stream().anyMatch(l -> l.size() < 5) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }

      out.printf("%-9s %-21s %5s %5s %3s %5s %9s %10s %6s %9s %12s%n", "node", "listen", "table", "tiers", "k",
          "alpha", "pings ok", "rtt p50 ms", "get", "gossip", "delivery ms");
      for (int i = 0; i < nodes; i++) {
        NodeStatus s = status(mesh.get(i));
        var dht = s.telemetry().dht();
        int expected = i == 0 ? 0 : 5;
        List<Double> latencies = new ArrayList<>(deliveries.get(i));
        failures += nodes - 1 - pingsOk[i] + (fetched[i] ? 0 : 1) + Math.max(0, expected - latencies.size());
        latencies.sort(null);
        String latency = latencies.isEmpty() ? "-" : String.format("%.1f..%.1f", latencies.get(0),
            latencies.get(latencies.size() - 1));
        out.printf("%-9s %-21s %5d %5d %3d %5d %9s %10.2f %6s %9s %12s%n", s.nodeId().shortHex(),
            Addresses.format(s.listen().get(0)), dht.tableSize(), Math.max(1, dht.tierCentersMs().size()), dht.k(),
            dht.alpha(), pingsOk[i] + "/" + (nodes - 1), median(rtts.get(i)), fetched[i] ? "ok" : "FAIL",
            i == 0 ? "publisher" : latencies.size() + "/" + expected, latency);
      }
      out.printf("endpoint record of %s: seq %d, addrs %s -> resolved by %s: %s%n",
          statuses.get(0).nodeId().shortHex(), published == null ? -1 : published.sequence(),
          published == null ? "[]" : published.addresses(), statuses.get(nodes - 1).nodeId().shortHex(),
          resolvedOk ? "verified" : "FAILED");
      out.println(failures == 0
          ? "OK: " + nodes + " nodes formed a DHT over QUIC with verified Ed25519 identities; lookups, pings, "
              + "values, endpoint records and gossip all worked."
          : "FAILED: " + failures + " steps did not succeed.");
      return failures == 0 ? 0 : 1;
    } finally {
      CompletableFuture.allOf(mesh.stream().map(m -> m.shutdown().toCompletableFuture())
          .toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Waits (at most 15 s) until every node's DHT bootstrap finished, so the table below reflects a joined mesh. */
  private void awaitJoined(List<Quicmesh> mesh) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (Quicmesh node : mesh) {
      while (System.nanoTime() < deadline) {
        String state = status(node).telemetry().dht().bootstrap();
        if (state.startsWith("joined") || state.startsWith("no seeds")) {
          break;
        }
        Thread.sleep(50);
      }
    }
  }

  private static Quicmesh start(ActorSystem<?> system, int index, MeshConfig config) throws Exception {
    return Quicmesh.start(system, "node-" + index, config, Keypair.generate(), Transports.quic(),
        NodeEnvironment.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static NodeStatus status(Quicmesh node) throws Exception {
    return node.status().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private <T> T await(CompletionStage<T> stage, String what) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      failures++;
      progress.println("  " + what + " failed: " + Failures.message(e));
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
