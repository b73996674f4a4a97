package org.quicmesh.simulation;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.actor.Replies;
import org.quicmesh.dht.PutResult;
import org.quicmesh.identity.Key;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.NodeStatus;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.virtualtime.SimulationSystem;

/**
 * Values under churn: N nodes join and settle, V values are put from distinct random nodes (whose publishers then
 * leave, optionally), and every round (20 virtual minutes) a fraction of each value's current holders crash silently
 * and J new nodes join, while each value is fetched a fixed number of times per round from random live nodes. Holders
 * are counted by asking every live node whether it holds the value, right after each round's crashes (the low point
 * of the round); the replication traffic is read from the nodes' {@code replication.messages} counters. All in virtual
 * time, deterministic for a seed.
 */
public final class StoreSimulation {

  /**
   * @param churnHolders fraction of each value's current holders that crash at the start of each round
   * @param joinsPerRound new nodes that join each round
   * @param publisherLeaves whether each value's publisher crashes right after its put
   * @param round virtual time between crash waves
   * @param getsPerValuePerRound gets of each value per round, spread evenly over the round
   */
  public record Settings(int nodes, int values, double hours, double churnHolders, int joinsPerRound,
      boolean publisherLeaves, String latency, long seed, Duration joinInterval, Duration settle, Duration round,
      int getsPerValuePerRound, Map<String, Object> overrides) {

    /** The scenario: 20-minute rounds, 40 gets per value per round, joins 20 ms apart, 60 s to settle. */
    public static Settings of(int nodes, int values, double hours, double churnHolders, int joinsPerRound,
        boolean publisherLeaves, String latency, long seed, Map<String, Object> overrides) {
      return new Settings(nodes, values, hours, churnHolders, joinsPerRound, publisherLeaves, latency, seed,
          Duration.ofMillis(20), Duration.ofSeconds(60), Duration.ofMinutes(20), 40, overrides);
    }

    /** Rounds of churn the hours make. */
    int totalRounds() {
      return (int) Math.round(hours * 3_600_000 / round.toMillis());
    }
  }

  /**
   * @param getSuccessRatio gets that returned the value, of all gets
   * @param holdersMin fewest live holders of any value right after a round's crashes
   * @param holdersP50 median of those counts over all values and rounds
   * @param k the bucket size in force: the largest median (over live nodes) of the adaptive k seen at any round
   * @param replicasAtPut replicas the puts reported, smallest
   * @param republishMsgsPerNodeHour replication messages (republish and repair lookups and stores, hand-offs to new
   *     contacts) per live node and virtual hour
   * @param getFailures failed gets by error message
   * @param replication the nodes' {@code replication.*} counters summed (what was republished, repaired, handed off)
   */
  public record Result(int nodes, int values, double hours, double churnHolders, int joinsPerRound,
      boolean publisherLeaves, int rounds, long gets, long getsFailed, double getSuccessRatio, int holdersMin,
      double holdersP50, int k, int replicasAtPut, long nodesCrashed, long nodesJoined, int liveNodesMin,
      int liveNodesEnd, double republishMsgsPerNodeHour, Map<String, Long> getFailures,
      Map<String, Long> replication, double virtualS,
      double wallS) {}

  private StoreSimulation() {}

  public static Result run(Settings settings, Consumer<String> progress) {
    long wallStart = System.nanoTime();
    Tally tally = new Tally();
    long end = settings.joinInterval().toMillis() * settings.nodes() + settings.settle().toMillis()
        + (long) (settings.hours() * 3_600_000) + 600_000;
    try (SimulationSystem<Msg> sim = SimulationSystem.create("store-sim", settings.seed(),
        random -> Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new Scenario(ctx, timers, settings, random, tally).start())))) {
      if (!ScenarioRun.until(sim.driver(), () -> tally.finished, ScenarioRun.fixed(Duration.ofMinutes(1)),
          Duration.ofMillis(end), Progress.to(progress), () -> tally.status(settings))) {
        throw new IllegalStateException("store simulation did not finish in time");
      }
      return tally.result(settings, sim.driver().nowMillis() / 1000.0, (System.nanoTime() - wallStart) / 1e9);
    }
  }

  sealed interface Msg {}

  private enum Tick implements Msg { JOIN, SETTLED, ROUND, GET }

  private record PutDone(StatusReply<PutResult> reply) implements Msg {}

  /** A get's outcome; {@code fromNewNode}: asked of a node that joined less than a minute before. */
  private record GetDone(SimulatedMesh.Member from, StatusReply<byte[]> reply, boolean fromNewNode) implements Msg {}

  private record Holding(int member, int value, boolean holds) implements Msg {}

  private record Status(int member, NodeStatus status) implements Msg {}

  /** A poll reply that did not come (the node was busy or is gone): counted as not holding. */
  private record PollTimedOut() implements Msg {}

  /** Figures gathered while the scenario runs (all on the simulation thread). */
  private static final class Tally {
    final Percentiles holders = new Percentiles();
    int holdersMin = Integer.MAX_VALUE;
    int k;
    int replicasAtPut = Integer.MAX_VALUE;
    int rounds;
    long gets;
    long getsFailed;
    long crashed;
    long joined;
    int liveNow;
    int liveMin = Integer.MAX_VALUE;
    long replicationMessages;
    double nodeHours;
    List<String> lastHolders = List.of();
    final Map<String, Long> getFailures = new java.util.TreeMap<>();
    final Map<String, Long> replication = new java.util.TreeMap<>();
    boolean finished;

    Progress.Status status(Settings s) {
      if (rounds == 0) {
        return Progress.Status.of("join and put", liveNow, s.nodes());
      }
      return Progress.Status.of("churn rounds", rounds, s.totalRounds())
          .with(String.format(java.util.Locale.ROOT, "%d live nodes, gets %d (%d failed), holders before->after "
              + "the crash wave %s", liveNow, gets, getsFailed, lastHolders));
    }

    Result result(Settings s, double virtualS, double wallS) {
      return new Result(s.nodes(), s.values(), s.hours(), s.churnHolders(), s.joinsPerRound(), s.publisherLeaves(),
          rounds, gets, getsFailed, gets == 0 ? 0 : (gets - getsFailed) / (double) gets,
          holdersMin == Integer.MAX_VALUE ? 0 : holdersMin, holders.count() == 0 ? 0 : holders.percentile(50), k,
          replicasAtPut == Integer.MAX_VALUE ? 0 : replicasAtPut, crashed, joined, Math.min(liveMin, liveNow), liveNow,
          nodeHours == 0 ? 0 : replicationMessages / nodeHours, Map.copyOf(getFailures),
          Map.copyOf(replication), virtualS, wallS);
    }
  }

  private static final class Scenario {
    private static final Duration REPLY_TIMEOUT = Duration.ofMinutes(2);

    private final ActorContext<Msg> ctx;
    private final TimerScheduler<Msg> timers;
    private final Settings settings;
    private final Random random;
    private final Tally tally;
    private final Clock clock;
    private final SimulatedMesh mesh;
    private final MeshConfig config;
    private final List<SimulatedMesh.Member> live = new ArrayList<>();
    private final List<Key> keys = new ArrayList<>();
    private final List<SimulatedMesh.Member> publishers = new ArrayList<>();
    /** Per member index: the replication counter and the time at the last poll. */
    private final Map<Integer, long[]> lastPoll = new HashMap<>();
    /** Per member index: its replication counters at the last poll. */
    private final Map<Integer, Map<String, Long>> lastCounters = new HashMap<>();
    private final Map<Integer, Long> joinedAt = new HashMap<>();
    private final List<Set<Integer>> holding = new ArrayList<>();
    private final List<Integer> medianK = new ArrayList<>();
    private int pollsPending;
    private int putsPending;
    private int totalRounds;

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
      this.totalRounds = settings.totalRounds();
    }

    Behavior<Msg> start() {
      timers.startTimerWithFixedDelay(Tick.JOIN, Duration.ZERO, settings.joinInterval());
      return Behaviors.receive(Msg.class)
          .onMessageEquals(Tick.JOIN, this::join)
          .onMessageEquals(Tick.SETTLED, this::put)
          .onMessage(PutDone.class, this::putDone)
          .onMessageEquals(Tick.ROUND, this::round)
          .onMessage(Holding.class, this::holding)
          .onMessage(Status.class, this::status)
          .onMessage(PollTimedOut.class, m -> pollAnswered())
          .onMessageEquals(Tick.GET, this::get)
          .onMessage(GetDone.class, this::getDone)
          .build();
    }

    private Behavior<Msg> join() {
      joinOne();
      if (live.size() == settings.nodes()) {
        timers.cancel(Tick.JOIN);
        timers.startSingleTimer(Tick.SETTLED, settings.settle());
      }
      return Behaviors.same();
    }

    private void joinOne() {
      SimulatedMesh.Member member = mesh.join(ctx, config, live);
      lastPoll.put(member.index(), new long[] {0, clock.millis()});
      joinedAt.put(member.index(), clock.millis());
      tally.liveNow = live.size();
    }

    /** Each value from a different random node, all at once. */
    private Behavior<Msg> put() {
      List<SimulatedMesh.Member> candidates = new ArrayList<>(live);
      for (int i = 0; i < settings.values(); i++) {
        byte[] value = new byte[64];
        random.nextBytes(value);
        keys.add(Key.forContent(value));
        holding.add(new HashSet<>());
        SimulatedMesh.Member publisher = candidates.remove(random.nextInt(candidates.size()));
        publishers.add(publisher);
        putsPending++;
        publisher.node().tell(new MeshNode.Put(value, Replies.once(ctx, REPLY_TIMEOUT, PutDone::new,
            () -> new PutDone(StatusReply.error(new TimeoutException("put timed out"))))));
      }
      return Behaviors.same();
    }

    private Behavior<Msg> putDone(PutDone done) {
      tally.replicasAtPut = Math.min(tally.replicasAtPut,
          done.reply().isSuccess() ? done.reply().getValue().replicas() : 0);
      if (--putsPending > 0) {
        return Behaviors.same();
      }
      if (settings.publisherLeaves()) {
        publishers.forEach(this::crash);
      }
      timers.startTimerWithFixedDelay(Tick.ROUND, Duration.ZERO, settings.round());
      timers.startTimerWithFixedDelay(Tick.GET, settings.round().dividedBy(settings.getsPerValuePerRound()));
      return Behaviors.same();
    }

    private void crash(SimulatedMesh.Member member) {
      if (live.remove(member)) {
        mesh.crash(ctx, member);
        tally.crashed++;
        tally.liveNow = live.size();
        tally.liveMin = Math.min(tally.liveMin, live.size());
      }
    }

    /** A round starts by polling every live node; the crashes and joins follow once all answered. */
    private Behavior<Msg> round() {
      if (tally.rounds == totalRounds) {
        timers.cancelAll();
        tally.finished = true;
        return Behaviors.same();
      }
      holding.forEach(Set::clear);
      medianK.clear();
      pollsPending = live.size() * (keys.size() + 1);
      for (SimulatedMesh.Member m : live) {
        int index = m.index();
        m.node().tell(new MeshNode.GetStatus(Replies.once(ctx, REPLY_TIMEOUT,
            (StatusReply<NodeStatus> r) -> r.isSuccess() ? new Status(index, r.getValue()) : new PollTimedOut(),
            PollTimedOut::new)));
        for (int v = 0; v < keys.size(); v++) {
          int value = v;
          m.node().tell(new MeshNode.HoldsValue(keys.get(v), Replies.once(ctx, REPLY_TIMEOUT,
              (StatusReply<Boolean> r) -> new Holding(index, value, r.isSuccess() && r.getValue()),
              PollTimedOut::new)));
        }
      }
      return Behaviors.same();
    }

    private Behavior<Msg> holding(Holding h) {
      if (h.holds()) {
        holding.get(h.value()).add(h.member());
      }
      return pollAnswered();
    }

    private Behavior<Msg> status(Status s) {
      long now = clock.millis();
      long[] last = lastPoll.get(s.member());
      long messages = s.status().telemetry().dht().counters().getOrDefault("replication.messages", 0L);
      tally.replicationMessages += messages - last[0];
      tally.nodeHours += (now - last[1]) / 3_600_000.0;
      last[0] = messages;
      last[1] = now;
      medianK.add(s.status().telemetry().dht().k());
      Map<String, Long> before = lastCounters.getOrDefault(s.member(), Map.of());
      Map<String, Long> current = new HashMap<>();
      s.status().telemetry().dht().counters().forEach((name, count) -> {
        if (name.startsWith("replication.")) {
          tally.replication.merge(name, count - before.getOrDefault(name, 0L), Long::sum);
          current.put(name, count);
        }
      });
      lastCounters.put(s.member(), current);
      return pollAnswered();
    }

    private Behavior<Msg> pollAnswered() {
      if (--pollsPending == 0) {
        crashAndJoin();
      }
      return Behaviors.same();
    }

    /** Crashes a fraction of each value's holders, counts who is left holding, then lets the new nodes join. */
    private void crashAndJoin() {
      medianK.sort(Integer::compare);
      if (!medianK.isEmpty()) {
        tally.k = Math.max(tally.k, medianK.get(medianK.size() / 2));
      }
      Set<Integer> victims = new HashSet<>();
      for (Set<Integer> holders : holding) {
        List<Integer> shuffled = new ArrayList<>(holders);
        java.util.Collections.sort(shuffled);
        java.util.Collections.shuffle(shuffled, random);
        int count = (int) Math.round(settings.churnHolders() * holders.size());
        victims.addAll(shuffled.subList(0, Math.min(count, shuffled.size())));
      }
      for (SimulatedMesh.Member m : new ArrayList<>(live)) {
        if (victims.contains(m.index())) {
          crash(m);
        }
      }
      List<String> left = new ArrayList<>();
      for (int v = 0; v < holding.size(); v++) {
        Set<Integer> holders = holding.get(v);
        int remaining = (int) holders.stream().filter(i -> !victims.contains(i)).count();
        left.add(holders.size() + "->" + remaining);
        tally.holders.add(remaining);
        tally.holdersMin = Math.min(tally.holdersMin, remaining);
      }
      tally.lastHolders = left;
      for (int i = 0; i < settings.joinsPerRound(); i++) {
        joinOne();
        tally.joined++;
      }
      tally.rounds++;
    }

    /** One get of each value, each from a random live node. */
    private Behavior<Msg> get() {
      for (Key key : keys) {
        SimulatedMesh.Member from = live.get(random.nextInt(live.size()));
        boolean young = clock.millis() - joinedAt.get(from.index()) < 60_000;
        from.node().tell(new MeshNode.Get(key, Replies.once(ctx, REPLY_TIMEOUT,
            (StatusReply<byte[]> r) -> new GetDone(from, r, young),
            () -> new GetDone(from, StatusReply.error(new TimeoutException("get timed out")), young))));
      }
      return Behaviors.same();
    }

    private Behavior<Msg> getDone(GetDone done) {
      if (tally.finished || !live.contains(done.from())) {
        return Behaviors.same(); // the asking node crashed before it could answer: no verdict on the value
      }
      tally.gets++;
      if (!done.reply().isSuccess()) {
        tally.getsFailed++;
        tally.getFailures.merge((done.fromNewNode() ? "at a node joined < 1 min ago: " : "")
            + done.reply().getError().getMessage(), 1L, Long::sum);
      }
      return Behaviors.same();
    }
  }
}
