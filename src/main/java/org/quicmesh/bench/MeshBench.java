package org.quicmesh.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.Quic;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.quicmesh.node.ActorSystems;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.simulation.SimulatedMesh;
import org.quicmesh.virtualtime.SimulationSystem;

/**
 * {@code quicmesh bench mesh}: the counterpart of the js-libp2p harness (../shared/bench/libp2p-peer): N nodes in this
 * JVM, over real QUIC on 127.0.0.1 or over the simulated network in virtual time, through the harness's phases
 * ({@link MeshBenchScenario}) and with its definitions and knobs (below), printing its JSON fields
 * ({@link MeshBenchResult}).
 */
public final class MeshBench {
  // The harness's defaults (bench.mjs), kept equal so the figures compare.
  static final Duration SETTLE_MAX = Duration.ofSeconds(30);
  static final Duration SETTLE_PLATEAU = Duration.ofSeconds(8);
  static final Duration SETTLE_POLL = Duration.ofMillis(250);
  static final Duration IDLE_WINDOW = Duration.ofSeconds(3);
  static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);
  static final Duration LOOKUP_BUDGET = Duration.ofSeconds(60);
  static final Duration MESH_MIN_WAIT = Duration.ofSeconds(3);
  static final Duration MESH_WAIT = Duration.ofSeconds(10);
  static final Duration DRAIN = Duration.ofSeconds(5);
  static final Duration DRAIN_CHECK = Duration.ofMillis(50);
  static final double RATE = 20;
  static final Duration PUBLISH_INTERVAL = Duration.ofNanos((long) (1e9 / RATE));
  static final int MSG_SIZE = 256;
  /** Node i bootstraps through node 0 and this many random earlier nodes (the harness's EXTRA_DIALS). */
  static final int EXTRA_SEEDS = 2;
  /** Nodes started but not yet joined at any time (the harness awaits its dials 16 at a time). */
  static final int JOINS_IN_FLIGHT = 16;

  /**
   * @param transport {@code quic} or {@code sim}
   * @param latency the simulator's link model ({@code uniform:20-200}); ignored over QUIC
   * @param joinInterval time between node starts after node 0 (the harness starts them back to back, then dials)
   * @param eventLoops threads of the event-loop group every QUIC socket shares
   * @param profile where to write a JDK Flight Recorder recording of the lookup and gossip phases, if anywhere
   * @param overrides node settings over the loaded config (dotted keys, as {@code --set} gives them)
   * @param warmupRounds most rounds of {@link GossipWarmUp} before the measured gossip phase (0: measure a cold JVM)
   * @param drain how long after the last publish the gossip phase waits for missing deliveries (the harness's
   *     DRAIN_MS)
   */
  public record Settings(int nodes, String transport, int lookups, int publishes, String latency, long seed,
      Duration joinInterval, int eventLoops, Optional<Path> profile, Map<String, Object> overrides, int warmupRounds,
      Duration drain) {

    /** Most warm-up rounds by default over QUIC; the simulator has no JIT in its figures, which are in virtual time. */
    public static final int DEFAULT_WARMUP_ROUNDS = 8;

    /** {@link #DEFAULT_WARMUP_ROUNDS} over QUIC, none in the simulator. */
    public static int defaultWarmupRounds(String transport) {
      return transport.equals("quic") ? DEFAULT_WARMUP_ROUNDS : 0;
    }

    public Settings {
      if (nodes < 2 || lookups < 0 || publishes < 0 || eventLoops < 1 || warmupRounds < 0 || drain.isNegative()) {
        throw new IllegalArgumentException("need nodes >= 2, lookups >= 0, publishes >= 0, event loops >= 1, "
            + "warm-up rounds >= 0 and a drain time >= 0");
      }
      if (!transport.equals("quic") && !transport.equals("sim")) {
        throw new IllegalArgumentException("transport must be quic or sim, not " + transport);
      }
      overrides = Map.copyOf(overrides);
    }

    /**
     * Event loops by default: half the cores, the dispatcher having the other half (conf/runtime.conf): on 2 cores,
     * 1 and 1 took 0.91 ms of CPU per delivery at 50 nodes, 2 and 1 1.07 ms.
     */
    public static int defaultEventLoops() {
      return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** The defaults: 100 lookups, 100 publishes, a node every 10 ms, {@link #defaultEventLoops()}. */
    public static Settings of(int nodes, String transport) {
      return new Settings(nodes, transport, 100, 100, "uniform:20-200", 1, Duration.ofMillis(10),
          defaultEventLoops(), Optional.empty(), Map.of(),
          defaultWarmupRounds(transport), DRAIN);
    }

    public Settings withCounts(int lookups, int publishes) {
      return new Settings(nodes, transport, lookups, publishes, latency, seed, joinInterval, eventLoops, profile,
          overrides, warmupRounds, drain);
    }

    MeshConfig config() {
      return SimulatedMesh.config(overrides);
    }

    Recorder recorder() {
      return new Recorder(profile);
    }

    /** Wall time the whole run may take over QUIC before it is called stuck. */
    Duration hardTimeout() {
      return joinInterval.multipliedBy(nodes).plus(SETTLE_MAX).plus(IDLE_WINDOW).plus(LOOKUP_BUDGET)
          .plus(LOOKUP_TIMEOUT).plus(MESH_WAIT).plus(Duration.ofMillis((long) (publishes * 1000 / RATE)))
          .plus(drain).plus(warmupTime()).plus(Duration.ofMinutes(2));
    }

    private Duration warmupTime() {
      Duration round = MESH_WAIT.plus(Duration.ofMillis((long) (GossipWarmUp.roundPublishes(nodes) * 1000 / RATE)))
          .plus(GossipWarmUp.ROUND_DRAIN);
      return warmupRounds == 0 ? Duration.ZERO : round.multipliedBy(warmupRounds).plus(GossipWarmUp.ROUND_DRAIN);
    }
  }

  private MeshBench() {}

  /** Runs the bench; progress lines go to {@code progress}. */
  public static MeshBenchResult run(Settings settings, Consumer<String> progress) throws Exception {
    return settings.transport().equals("sim") ? runSimulated(settings, progress) : runOverQuic(settings, progress);
  }

  private static MeshBenchResult runOverQuic(Settings settings, Consumer<String> progress) throws Exception {
    Quic.ensureAvailability();
    EventLoopGroup loops = org.quicmesh.transport.quic.QuicTransport.newSharedEventLoops(settings.eventLoops());
    CompletableFuture<MeshBenchResult> result = new CompletableFuture<>();
    Random random = new Random(settings.seed());
    BenchNetwork network = new QuicBenchNetwork(loops, random);
    ActorSystem<MeshBenchScenario.Msg> system = ActorSystems.create(
        scenario(settings, ctx -> network, random, progress, result), "bench-mesh");
    try {
      return result.get(settings.hardTimeout().toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("bench did not finish within " + settings.hardTimeout().toSeconds() + " s", e);
    } finally {
      long stopStart = System.nanoTime();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      progress.accept(String.format("stopped %d nodes in %.2f s", settings.nodes(),
          (System.nanoTime() - stopStart) / 1e9));
    }
  }

  private static MeshBenchResult runSimulated(Settings settings, Consumer<String> progress) {
    CompletableFuture<MeshBenchResult> result = new CompletableFuture<>();
    try (SimulationSystem<MeshBenchScenario.Msg> sim = SimulationSystem.create("bench-mesh", settings.seed(),
        random -> scenario(settings, ctx -> new SimBenchNetwork(ctx, settings.latency(), settings.seed(), random),
            random, progress, result))) {
      Duration limit = Duration.ofHours(2);
      if (!sim.driver().runUntil(result::isDone, limit)) {
        throw new IllegalStateException("simulated bench did not finish within " + limit + " of virtual time");
      }
      return result.join();
    }
  }

  private static Behavior<MeshBenchScenario.Msg> scenario(Settings settings,
      java.util.function.Function<org.apache.pekko.actor.typed.javadsl.ActorContext<?>, BenchNetwork> network,
      Random random, Consumer<String> progress, CompletableFuture<MeshBenchResult> result) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new MeshBenchScenario(ctx, timers, settings,
        network.apply(ctx), random, progress, result::complete).start()));
  }

  /** A JDK Flight Recorder recording (the JDK's "profile" settings) of the measured phases, when asked for. */
  static final class Recorder {
    private final Optional<Path> file;
    private Recording recording;

    Recorder(Optional<Path> file) {
      this.file = file;
    }

    void start() {
      if (file.isEmpty() || recording != null) {
        return;
      }
      try {
        recording = new Recording(Configuration.getConfiguration("profile"));
        // The JDK samples at most a few threads per period: a short period gives enough samples for shares.
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(2));
        recording.setName("quicmesh bench mesh");
        recording.start();
      } catch (IOException | ParseException e) {
        throw new IllegalStateException("cannot start the JFR recording: " + e.getMessage(), e);
      }
    }

    void stop() {
      if (recording == null) {
        return;
      }
      try {
        recording.stop();
        recording.dump(file.get());
      } catch (IOException e) {
        throw new IllegalStateException("cannot write " + file.get() + ": " + e.getMessage(), e);
      } finally {
        recording.close();
        recording = null;
      }
    }

    String file() {
      return file.map(Path::toString).orElse(null);
    }
  }
}
