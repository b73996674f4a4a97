package org.quicmesh.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.quicmesh.bench.LibP2pComparison;
import org.quicmesh.bench.MeshBench;
import org.quicmesh.bench.MeshBenchResult;
import org.quicmesh.bench.TransportBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quicmesh bench}: whole-system measurements that anyone can rerun. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark.",
    subcommands = {BenchCommand.Mesh.class, BenchCommand.Compare.class, BenchCommand.Profile.class,
        BenchCommand.Transport.class, BenchCommand.Jmh.class})
final class BenchCommand extends CommandGroup {

  /** The options {@code bench mesh} and {@code bench compare} share. */
  static final class MeshOptions {
    @picocli.CommandLine.Mixin
    SimOptions common = new SimOptions();

    @Option(names = "--nodes", defaultValue = "50", description = "Nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--lookups", defaultValue = "100", description = "Lookups (default: ${DEFAULT-VALUE}).")
    int lookups;

    @Option(names = "--publishes", defaultValue = "100", description = "Messages published (default: "
        + "${DEFAULT-VALUE}).")
    int publishes;

    @Option(names = "--join-interval-ms", defaultValue = "10", description = "Time between node starts (default: "
        + "${DEFAULT-VALUE}).")
    int joinIntervalMs;

    @Option(names = "--event-loops", description = "Event-loop threads all QUIC sockets share (default: half the cores, at least 1; the actor "
        + "dispatcher has the other half).")
    Integer eventLoops;

    @Option(names = "--warmup-rounds", description = "Most rounds of publishes (about 4,900 deliveries each) on a topic "
        + "of their own before the measured phases, until the JIT compiler takes < 5 %% of a round's CPU (0: measure a "
        + "cold JVM; default: " + MeshBench.Settings.DEFAULT_WARMUP_ROUNDS + " over QUIC, 0 in the simulator).")
    Integer warmupRounds;

    @Option(names = "--drain-s", defaultValue = "5", description = "Seconds after the last publish to wait for missing "
        + "deliveries (the harness's DRAIN_MS; default: ${DEFAULT-VALUE}).")
    double drainS;

    @Option(names = "--profile", paramLabel = "FILE.jfr",
        description = "Record the lookup and gossip phases with JDK Flight Recorder into this file.")
    Path profile;

    MeshBench.Settings settings(String transport) {
      return new MeshBench.Settings(nodes, transport, lookups, publishes, common.latency, common.seed,
          Duration.ofMillis(joinIntervalMs),
          eventLoops == null ? MeshBench.Settings.defaultEventLoops() : eventLoops,
          Optional.ofNullable(profile), common.settingOverrides(),
          warmupRounds != null ? warmupRounds : MeshBench.Settings.defaultWarmupRounds(transport),
          Duration.ofMillis((long) (drainS * 1000)));
    }

    MeshBenchResult run(String transport) throws Exception {
      return MeshBench.run(settings(transport), common.progress());
    }
  }

  @Command(name = "mesh", mixinStandardHelpOptions = true,
      description = "The js-libp2p harness's phases (../shared/bench/libp2p-peer) on N nodes in this JVM: settle the "
          + "routing tables, L random lookups (latency, success, accuracy against the true 20 closest), P publishes "
          + "of 256 B at 20/s (delivery, latency, duplicates), memory per node, CPU per delivery. Progress on stderr; "
          + "the last stdout line is one JSON object with the harness's field names (with --json).")
  static final class Mesh implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    MeshOptions options = new MeshOptions();

    @Option(names = "--transport", defaultValue = "quic",
        description = "quic (real sockets on 127.0.0.1) or sim (virtual time, --latency) (default: ${DEFAULT-VALUE}).")
    String transport;

    @Override
    public Integer call() throws Exception {
      if (options.nodes < 2 || !(transport.equals("quic") || transport.equals("sim"))) {
        System.err.println("need --nodes >= 2 and --transport quic or sim");
        return 2;
      }
      MeshBenchResult r = options.run(transport);
      options.common.print(r, () -> summary(r));
      return r.error() == null ? 0 : 1;
    }

    static String summary(MeshBenchResult r) {
      if (r.error() != null) {
        return "failed: " + r.error();
      }
      var l = r.lookup();
      var g = r.gossip();
      return String.format("%s over %s (%s), %d nodes: setup %.1f s; lookups %d, success %.4f, accuracy %.4f, "
              + "p50 %s ms, p95 %s ms; gossip %d published, delivery %.4f, p50 %s ms, p95 %s ms, max %s ms, %s "
              + "duplicates/delivery; %s MB RSS and %s MB heap per node; %s ms CPU per delivery; %d threads",
          r.impl(), r.transport(), r.links(), r.nodes(), r.setupS(), l.count(), l.successRate(), l.accuracyMean(),
          l.p50Ms(), l.p95Ms(), g.published(), g.deliveryRatio(), g.p50Ms(), g.p95Ms(), g.maxMs(),
          g.duplicatesPerDelivery(), r.rssMbPerNode(), r.heapMbPerNode(), r.cpuMsPerDelivery(), r.threads());
    }
  }

  @Command(name = "compare", mixinStandardHelpOptions = true,
      description = "Runs `bench mesh` over QUIC, then the js-libp2p harness's run.sh with the same nodes, lookups and "
          + "publishes, one after the other on this machine, and prints each figure with the ratio us/libp2p "
          + "(--json: both raw objects).")
  static final class Compare implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    MeshOptions options = new MeshOptions();

    @Option(names = "--libp2p", paramLabel = "PATH",
        description = "The harness's run.sh (default: ../shared/bench/libp2p-peer/run.sh from the project root).")
    Path libp2p;

    @Override
    public Integer call() throws Exception {
      Path harness = libp2p != null ? libp2p : projectRoot().resolve(LibP2pComparison.DEFAULT_HARNESS).normalize();
      if (!java.nio.file.Files.isRegularFile(harness)) {
        System.err.println("no js-libp2p harness at " + harness + ": pass --libp2p PATH/run.sh (it needs node and "
            + "npm; see ../shared/bench/libp2p-peer/README.md)");
        return 2;
      }
      var progress = options.common.progress();
      progress.accept("== quicmesh: bench mesh --nodes " + options.nodes + " over QUIC");
      MeshBenchResult ours = options.run("quic");
      progress.accept("== js-libp2p: " + harness + " --n=" + options.nodes);
      var oursJson = Json.MAPPER.valueToTree(ours);
      var theirs = LibP2pComparison.runHarness(harness, options.nodes, options.lookups, options.publishes,
          Duration.ofMillis((long) (options.drainS * 1000)),
          options.common.progressOption.shown(options.common.json) ? ProcessBuilder.Redirect.INHERIT
              : ProcessBuilder.Redirect.DISCARD);
      if (options.common.json) {
        var both = Json.object();
        both.set("quicmesh", oursJson);
        both.set("libp2p", theirs);
        System.out.println(Json.line(both));
      } else {
        System.out.print(LibP2pComparison.table(LibP2pComparison.compare((com.fasterxml.jackson.databind.JsonNode)
            oursJson, theirs), "quicmesh", "js-libp2p"));
      }
      return ours.error() == null ? 0 : 1;
    }

    /** The checkout the running jar (target/quicmesh.jar) or classes (target/classes) came from, else the cwd. */
    private static Path projectRoot() {
      try {
        Path code = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (Path p = code; p != null; p = p.getParent()) {
          if (p.getFileName() != null && p.getFileName().toString().equals("target")) {
            return p.getParent();
          }
        }
      } catch (java.net.URISyntaxException | SecurityException e) {
        // fall through to the working directory
      }
      return Path.of("").toAbsolutePath();
    }
  }

  @Command(name = "profile", mixinStandardHelpOptions = true,
      description = "Where the CPU went in a `bench mesh --profile FILE.jfr` recording: the share of CPU samples in "
          + "signature checks, CBOR, QUIC, actor hops, heartbeats, RTT probes, DHT upkeep, ...")
  static final class Profile implements Callable<Integer> {
    @picocli.CommandLine.Parameters(paramLabel = "FILE.jfr", description = "The recording.")
    Path recording;

    @Override
    public Integer call() throws Exception {
      System.out.print(org.quicmesh.bench.CpuProfile.of(recording).table());
      return 0;
    }
  }

  @Command(name = "transport", mixinStandardHelpOptions = true,
      description = "One-way bulk transfer over one QUIC connection on 127.0.0.1, one row per configuration "
          + "(defaults(): 1,350-byte datagrams, then loopback(): 32 KiB) and message size 1 KB .. 10 MB (100 MB with "
          + "loopback() only): msg/s, Mbit/s, ratio to raw UDP of the same datagram size measured in the same run, "
          + "latency p50/p99, and per row quiche's lost packets and cwnd and Linux's UDP receive-buffer drops. Every "
          + "chunk is checked to arrive once and in order. Raw TCP loopback as the machine's reference.")
  static final class Transport implements Callable<Integer> {
    @Option(names = "--quick", description = "Less data per size, no 100 MB row (about 20-30 s instead of about a "
        + "minute).")
    boolean quick;

    @Option(names = "--levers", description = "Also measure the tuning levers as extra rows at 1 MB messages "
        + "(16 KiB datagrams, a 256 KiB socket receive buffer).")
    boolean levers;

    @Option(names = "--json", description = "Print one JSON object instead of a table: rows [{config, "
        + "datagram_bytes, message_bytes, messages, msgs_s, mbit_s, udp_mbit_s, ratio_to_udp, p50_ms, p99_ms, "
        + "sent_packets, lost_packets, cwnd_bytes, rtt_ms, rcvbuf_errors}], udp, tcp_mbit_s.")
    boolean json;

    @picocli.CommandLine.Mixin
    ProgressOption progress = new ProgressOption();

    @Override
    public Integer call() throws Exception {
      TransportBench.Options options = (quick ? TransportBench.Options.quick() : TransportBench.Options.standard())
          .withLevers(levers);
      TransportBench.Result result = TransportBench.run(options, progress.stream(json));
      System.out.println(json ? result.json() : result.table());
      return 0;
    }
  }

  @Command(name = "jmh", mixinStandardHelpOptions = true,
      description = "JMH micro-benchmarks of hot code (CodecBench, RoutingTableBench); arguments go to JMH, e.g. "
          + "'CodecBench -f 1 -wi 2 -i 3'.")
  static final class Jmh implements Callable<Integer> {
    @picocli.CommandLine.Unmatched
    java.util.List<String> args = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
      org.openjdk.jmh.Main.main(args.toArray(String[]::new));
      return 0;
    }
  }
}
