package org.quicmesh.simulation;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.dht.LookupResult;
import org.quicmesh.identity.NodeId;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.actor.Replies;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.virtualtime.SimulationSystem;
import org.quicmesh.wire.Contact;

/**
 * The Kademlia scenario: N nodes join one by one through a random earlier node, the mesh settles, optionally a
 * fraction crashes silently and nodes churn, then M lookups of random targets from random live nodes run (a few at a
 * time) and are scored against the true 20 closest live nodes. All in virtual time, deterministic for a seed.
 */
public final class DhtSimulation {

  public record Settings(int nodes, int lookups, double churnPerMinute, double deadFraction, String latency,
      long seed, int concurrency, Duration joinInterval, Duration settle, Map<String, Object> overrides) {}

  public record Result(int nodes, int lookups, double successRate, double accuracyMean, double accuracyMin,
      double roundsP50, double roundsP95, double messagesPerLookup, double timeoutsPerLookup, double latencyMsP50, double latencyMsP95,
      double latencyMsMax, double medianLinkRttMs, double deadFraction, double churnPerMinute, long nodesReplaced,
      long heapBytesPerNode, double virtualS, double wallS) {}

  private DhtSimulation() {}

  public static Result run(Settings settings, Consumer<String> progress) {
    long wallStart = System.nanoTime();
    long heapBefore = Heap.used();
    Tally tally = new Tally();
    try (SimulationSystem<Msg> sim = SimulationSystem.create("dht-sim", settings.seed(),
        random -> Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new Scenario(ctx, timers, settings, random, tally).start())))) {
      if (!ScenarioRun.until(sim.driver(), () -> tally.finished, ScenarioRun.fixed(Duration.ofSeconds(5)),
          Duration.ofHours(6), Progress.to(progress), () -> tally.status(settings))) {
        throw new IllegalStateException("simulation did not finish within 6 virtual hours");
      }
      if (tally.heapAfterSettle > 0) {
        tally.heapPerNode = Math.max(0, tally.heapAfterSettle - heapBefore) / settings.nodes();
      }
      double wall = (System.nanoTime() - wallStart) / 1e9;
      return tally.result(settings, sim.driver().nowMillis() / 1000.0, wall,
          medianRttMs(LatencyModel.parse(settings.latency(), settings.seed()), settings.seed()));
    }
  }

  private static double medianRttMs(LatencyModel model, long seed) {
    Random random = new Random(seed);
    Percentiles rtts = new Percentiles();
    for (int i = 0; i < 2000; i++) {
      InetSocketAddress a = address(1 + random.nextInt(1_000_000));
      InetSocketAddress b = address(1 + random.nextInt(1_000_000));
      rtts.add(2 * model.oneWay(a, b).toNanos() / 1e6);
    }
    return rtts.percentile(50);
  }

  private static InetSocketAddress address(int n) {
    try {
      return new InetSocketAddress(java.net.InetAddress.getByAddress(
          new byte[] {127, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n}), SimNetwork.PORT);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  sealed interface Msg {}

  private enum Tick implements Msg { JOIN, SETTLED, CHURN }

  private record LookupDone(int index, NodeId target, SimulatedMesh.Member from, long startedAt,
      StatusReply<LookupResult> reply, Throwable failure) implements Msg {}

  /** Figures gathered while the scenario runs (all on the simulation thread). */
  private static final class Tally {
    final Percentiles accuracy = new Percentiles();
    final Percentiles rounds = new Percentiles();
    final Percentiles latency = new Percentiles();
    long messages;
    long timeouts;
    int succeeded;
    int done;
    int joined;
    long replaced;
    long heapAfterSettle;
    long heapPerNode;
    boolean finished;

    Progress.Status status(Settings s) {
      if (joined < s.nodes()) {
        return Progress.Status.of("join", joined, s.nodes());
      }
      if (heapAfterSettle == 0) {
        return Progress.Status.of("settle", 0, 0);
      }
      return Progress.Status.of("lookups", done, s.lookups()).with(succeeded + " succeeded");
    }

    Result result(Settings s, double virtualS, double wallS, double medianRtt) {
      int n = Math.max(1, done);
      return new Result(s.nodes(), done, succeeded / (double) n, accuracy.mean(), accuracy.min(),
          rounds.percentile(50), rounds.percentile(95), messages / (double) n, timeouts / (double) n,
          latency.percentile(50),
          latency.percentile(95), latency.max(), medianRtt, s.deadFraction(), s.churnPerMinute(), replaced,
          heapPerNode, virtualS, wallS);
    }
  }

  private static final class Scenario {
    private final ActorContext<Msg> ctx;
    private final TimerScheduler<Msg> timers;
    private final Settings settings;
    private final Random random;
    private final Tally tally;
    private final Clock clock;
    private final SimulatedMesh mesh;
    private final MeshConfig config;
    private final List<SimulatedMesh.Member> live = new ArrayList<>();
    private final Set<InetSocketAddress> dead = new HashSet<>();
    private int started;
    private double churnCredit;

    Scenario(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, Settings settings, Random random, Tally tally) {
      this.ctx = ctx;
      this.timers = timers;
      this.settings = settings;
      this.random = random;
      this.tally = tally;
      this.clock = SimDriver.of(ctx.getSystem()).clock();
      SimNetwork network = SimulatedMesh.network(ctx, clock, settings.latency(), settings.seed());
      this.mesh = new SimulatedMesh(network, clock, random);
      this.config = SimulatedMesh.config(settings.overrides());
    }

    Behavior<Msg> start() {
      timers.startTimerWithFixedDelay(Tick.JOIN, Duration.ZERO, settings.joinInterval());
      return Behaviors.receive(Msg.class)
          .onMessageEquals(Tick.JOIN, this::join)
          .onMessageEquals(Tick.SETTLED, this::settled)
          .onMessageEquals(Tick.CHURN, this::churn)
          .onMessage(LookupDone.class, this::lookupDone)
          .build();
    }

    private Behavior<Msg> join() {
      mesh.join(ctx, config, live);
      tally.joined = live.size();
      if (live.size() == settings.nodes()) {
        timers.cancel(Tick.JOIN);
        timers.startSingleTimer(Tick.SETTLED, settings.settle());
      }
      return Behaviors.same();
    }

    private Behavior<Msg> settled() {
      tally.heapAfterSettle = Heap.used();
      int deadCount = (int) Math.round(settings.deadFraction() * live.size());
      for (int i = 0; i < deadCount; i++) {
        SimulatedMesh.Member victim = live.remove(random.nextInt(live.size()));
        mesh.network().crash(victim.address());
        dead.add(victim.address());
      }
      if (settings.churnPerMinute() > 0) {
        timers.startTimerWithFixedDelay(Tick.CHURN, Duration.ofSeconds(1));
      }
      for (int i = 0; i < Math.min(settings.concurrency(), settings.lookups()); i++) {
        startLookup();
      }
      if (settings.lookups() == 0) {
        tally.finished = true;
      }
      return Behaviors.same();
    }

    /** Each second, replace churn-rate x N / 60 random nodes by new ones (crashed silently, new ones bootstrap). */
    private Behavior<Msg> churn() {
      churnCredit += settings.churnPerMinute() * settings.nodes() / 60.0;
      while (churnCredit >= 1 && live.size() > 2) {
        churnCredit -= 1;
        mesh.crash(ctx, live.remove(random.nextInt(live.size())));
        mesh.join(ctx, config, live);
        tally.replaced++;
      }
      return Behaviors.same();
    }

    private void startLookup() {
      int index = started++;
      SimulatedMesh.Member from = live.get(random.nextInt(live.size()));
      byte[] target = new byte[NodeId.LENGTH];
      random.nextBytes(target);
      NodeId id = NodeId.of(target);
      long startedAt = clock.millis();
      from.node().tell(new MeshNode.FindNode(id, Replies.once(ctx, Duration.ofMinutes(5),
          (StatusReply<LookupResult> reply) -> new LookupDone(index, id, from, startedAt, reply, null),
          () -> new LookupDone(index, id, from, startedAt, null, new java.util.concurrent.TimeoutException()))));
    }

    private Behavior<Msg> lookupDone(LookupDone done) {
      tally.done++;
      tally.latency.add(clock.millis() - done.startedAt());
      if (done.failure() == null && done.reply().isSuccess()) {
        LookupResult result = done.reply().getValue();
        if (result.succeeded()) {
          tally.succeeded++;
        }
        tally.accuracy.add(accuracy(done.target(), done.from(), result.closest()));
        tally.rounds.add(result.stats().rounds());
        tally.messages += result.stats().messagesSent();
        tally.timeouts += result.stats().timeouts() + result.stats().failures();
      } else {
        tally.accuracy.add(0);
      }
      if (started < settings.lookups()) {
        startLookup();
      } else if (tally.done == settings.lookups()) {
        tally.finished = true;
      }
      return Behaviors.same();
    }

    /** Share of the true 20 closest live nodes (the querier excluded) that the lookup returned. */
    private double accuracy(NodeId target, SimulatedMesh.Member from, List<Contact> returned) {
      return LookupAccuracy.of(target, from.keypair().nodeId(),
          live.stream().map(m -> m.keypair().nodeId()).toList(), returned);
    }
  }
}
