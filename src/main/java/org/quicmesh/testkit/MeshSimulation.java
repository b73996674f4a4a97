package org.quicmesh.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.simulation.NatSimulation;
import org.quicmesh.simulation.SimCluster;
import org.quicmesh.simulation.SimulatedMesh;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.NatBehavior;

/**
 * A mesh of real Quicmesh nodes on a simulated network, in virtual time, in one JVM: for your own tests. Build it
 * with {@link #builder()}; {@link #build() building} spawns the nodes (each bootstraps through a random public node
 * that joined before it) and lets the DHT settle. Then send the nodes commands and run virtual time:
 *
 * <pre>{@code
 * try (MeshSimulation mesh = MeshSimulation.builder().nodes(300).latency("uniform:20-200").seed(7).build()) {
 *   PutResult stored = mesh.runUntil(mesh.node(0).put(value), Duration.ofSeconds(30));
 *   assertArrayEquals(value, mesh.runUntil(mesh.node(42).get(stored.key()), Duration.ofSeconds(30)));
 * }
 * }</pre>
 *
 * <p>Everything runs on the calling thread and only inside {@link #runFor}, {@link #runUntil} and the builder: between
 * those calls the mesh stands still, so reading results needs no synchronisation. Time moves from one scheduled event
 * to the next, so a minute of virtual time costs only the work done in it. The same seed and the same calls give the
 * same run: identities, link latencies, losses, lookups and deliveries. Keep it so by driving it from one thread and
 * collecting answers through the stages of {@link SimNode} or actors (a Pekko {@code TestProbe} created with
 * {@code TestProbe.create(mesh.system())} is one); never block the thread waiting for the mesh, it only moves when
 * you run it.
 *
 * <p>Plain JUnit 5 is enough (close it in a {@code finally}, try-with-resources or {@code @AfterEach}); it also runs
 * beside Pekko's {@code TestKitJUnit5Extension}, whose own actor system is unaffected.
 */
public final class MeshSimulation implements AutoCloseable {

  /** Virtual time the nodes get to leave when the simulation closes. */
  private static final Duration SHUTDOWN = Duration.ofMinutes(1);

  private final SimCluster cluster;
  private final MeshConfig config;
  private final long seed;
  private final List<SimNode> nodes = new ArrayList<>();

  private MeshSimulation(SimCluster cluster, MeshConfig config, long seed) {
    this.cluster = cluster;
    this.config = config;
    this.seed = seed;
  }

  /** A builder with the defaults: 10 nodes, {@code uniform:20-200} links, no loss, all public, seed 1. */
  public static Builder builder() {
    return new Builder();
  }

  /** Every node, in the order they joined. */
  public List<SimNode> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  /** The node that joined {@code index}-th, from 0 (the first node, always public). */
  public SimNode node(int index) {
    return nodes.get(index);
  }

  /** How many nodes the mesh has (stopped ones included). */
  public int size() {
    return nodes.size();
  }

  /** The seed the mesh was built with. */
  public long seed() {
    return seed;
  }

  /**
   * Adds a public node with the mesh's config; it bootstraps through a random public node. Run virtual time (a few
   * seconds) before relying on it being known.
   */
  public SimNode addNode() {
    return add(cluster.join(config, null));
  }

  /** Runs the simulation for {@code duration} of virtual time. */
  public void runFor(Duration duration) {
    cluster.advance(duration);
  }

  /**
   * Runs virtual time until {@code stage} completes, for at most {@code maxVirtual}, and returns its value.
   *
   * @throws VirtualTimeoutException if it did not complete in that time (the mesh then stands at the limit)
   * @throws java.util.concurrent.CompletionException if the stage failed (the node's error is the cause)
   */
  public <T> T runUntil(CompletionStage<T> stage, Duration maxVirtual) {
    CompletableFuture<T> future = stage.toCompletableFuture();
    if (!cluster.runUntil(future::isDone, maxVirtual)) {
      throw new VirtualTimeoutException(maxVirtual, cluster.nowMillis());
    }
    return future.join();
  }

  /**
   * Runs virtual time until every stage completes, for at most {@code maxVirtual}, and returns their values in order:
   * for calls made at once (many puts, many gets) that run side by side.
   *
   * @throws VirtualTimeoutException if not all completed in that time
   * @throws java.util.concurrent.CompletionException if one failed (its error is the cause)
   */
  public <T> List<T> runUntilAll(List<? extends CompletionStage<T>> stages, Duration maxVirtual) {
    List<CompletableFuture<T>> futures = stages.stream().map(CompletionStage::toCompletableFuture).toList();
    runUntil(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)), maxVirtual);
    return futures.stream().map(CompletableFuture::join).toList();
  }

  /**
   * Runs virtual time until {@code condition} holds, for at most {@code maxVirtual}. The condition is checked
   * whenever every actor is idle, i.e. after each instant at which something happened.
   *
   * @return whether it held (false: the mesh stands at the limit)
   */
  public boolean runUntil(BooleanSupplier condition, Duration maxVirtual) {
    return cluster.runUntil(condition, maxVirtual);
  }

  /** Virtual time since the simulation started (building it included). */
  public Duration elapsed() {
    return Duration.ofMillis(cluster.nowMillis());
  }

  /**
   * The simulation's actor system, e.g. for {@code TestProbe.create(mesh.system())}. Its actors run only while the
   * simulation runs, and its scheduler is virtual: a probe's {@code expect*} sees what arrived during the last run
   * (run first, then expect; it cannot wait for the mesh).
   */
  public ActorSystem<?> system() {
    return cluster.system();
  }

  /**
   * Stops every node (a clean leave each, in virtual time) and then the actor system. Nodes first: a system stopped
   * under hundreds of running nodes cuts their streams, which Pekko makes slow.
   */
  @Override
  public void close() {
    try {
      List<CompletableFuture<Done>> stops =
          nodes.stream().map(node -> node.shutdown().toCompletableFuture()).toList();
      cluster.runUntil(() -> stops.stream().allMatch(CompletableFuture::isDone), SHUTDOWN);
    } finally {
      cluster.close();
    }
  }

  private SimNode add(SimulatedMesh.Member member) {
    SimNode node = new SimNode(cluster, member);
    nodes.add(node);
    return node;
  }

  /** Settings of a {@link MeshSimulation}; every setter returns the builder. */
  public static final class Builder {
    private int nodes = 10;
    private String latencySpec = "uniform:20-200";
    private LatencyModel latency;
    private double loss;
    private double streamLoss;
    private Map<NatSimulation.Router, Double> natMix = Map.of();
    private long seed = 1;
    private Duration joinInterval = Duration.ofMillis(20);
    private Duration settle = Duration.ofSeconds(10);
    private final Map<String, Object> overrides = new LinkedHashMap<>();

    private Builder() {}

    /** How many nodes to spawn (at least 1). */
    public Builder nodes(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("a mesh needs at least one node, not " + count);
      }
      this.nodes = count;
      return this;
    }

    /**
     * Link round-trip times: {@code constant:RTT_MS}, {@code uniform:MIN_MS-MAX_MS} (each pair of hosts its own
     * RTT) or {@code geo:MIN_MS-MAX_MS} (hosts on a map: detours are never faster), seeded by {@link #seed}.
     */
    public Builder latency(String spec) {
      LatencyModel.parse(spec, 0); // refuse a bad spec here, with the usage
      this.latencySpec = spec;
      this.latency = null;
      return this;
    }

    /** Link one-way delays from your own model (symmetric and stable per pair). */
    public Builder latency(LatencyModel model) {
      this.latency = Objects.requireNonNull(model, "model");
      return this;
    }

    /** The fraction of request/response messages lost, each direction independently (0 by default). */
    public Builder loss(double fraction) {
      if (fraction < 0 || fraction > 1) {
        throw new IllegalArgumentException("loss must be in [0, 1], not " + fraction);
      }
      this.loss = fraction;
      return this;
    }

    /**
     * The fraction of messages on long-lived streams (gossip) lost at the receiver (0 by default: streams are
     * reliable, as QUIC's are); exercises GossipSub's repair.
     */
    public Builder streamLoss(double fraction) {
      if (fraction < 0 || fraction > 1) {
        throw new IllegalArgumentException("stream loss must be in [0, 1], not " + fraction);
      }
      this.streamLoss = fraction;
      return this;
    }

    /**
     * Puts nodes behind NAT routers, one router each, in exact shares: e.g.
     * {@code none:0.5,full:0.1,restricted:0.1,port:0.2,symmetric:0.1} (kinds {@code none}, {@code full},
     * {@code restricted}, {@code port}, {@code symmetric}; fractions add up to 1). The first node always stays public
     * (nodes bootstrap through public ones); the mix applies to the others. Nodes behind a NAT have no
     * {@link SimNode#address()}.
     */
    public Builder natMix(String spec) {
      this.natMix = NatSimulation.Settings.parseMix(spec);
      return this;
    }

    /** The seed of everything random: identities, link latencies, losses, NAT placement, protocol choices. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** A node setting (a key of {@code reference.conf}, e.g. {@code quicmesh.dht.k}) for every node. */
    public Builder config(String key, Object value) {
      overrides.put(key, value);
      return this;
    }

    /** Virtual time between two joins while building (20 ms by default). */
    public Builder joinInterval(Duration interval) {
      this.joinInterval = requireNonNegative(interval, "join interval");
      return this;
    }

    /** Virtual time after the last join before {@link #build()} returns (10 s by default: bootstraps finish). */
    public Builder settle(Duration settle) {
      this.settle = requireNonNegative(settle, "settle");
      return this;
    }

    /** Spawns the nodes one join interval apart, lets the mesh settle, and returns it. */
    public MeshSimulation build() {
      LatencyModel links = latency != null ? latency : LatencyModel.parse(latencySpec, seed);
      SimCluster cluster = new SimCluster(seed, links);
      try {
        cluster.network().setLoss(loss);
        cluster.network().setStreamLoss(streamLoss);
        MeshSimulation mesh = new MeshSimulation(cluster, SimulatedMesh.config(overrides), seed);
        List<NatSimulation.Router> routers =
            natMix.isEmpty() ? List.of() : NatSimulation.assign(nodes - 1, natMix, new Random(seed));
        for (int i = 0; i < nodes; i++) {
          NatBehavior nat = i == 0 || routers.isEmpty() ? NatBehavior.NONE : routers.get(i - 1).behavior();
          mesh.add(cluster.join(mesh.config, nat.equals(NatBehavior.NONE) ? null : nat));
          cluster.advance(joinInterval);
        }
        cluster.advance(settle);
        return mesh;
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
    }

    private static Duration requireNonNegative(Duration duration, String what) {
      if (duration.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative, not " + duration);
      }
      return duration;
    }
  }
}
