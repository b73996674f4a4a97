package org.quicmesh.bench;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.actor.Replies;
import org.quicmesh.dht.LookupResult;
import org.quicmesh.identity.NodeId;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.NodeStatus;
import org.quicmesh.pubsub.MessageId;
import org.quicmesh.pubsub.ReceivedMessage;
import org.quicmesh.pubsub.TopicStatus;
import org.quicmesh.simulation.Heap;
import org.quicmesh.simulation.LookupAccuracy;
import org.quicmesh.simulation.Percentiles;
import org.quicmesh.simulation.Progress;
import org.quicmesh.wire.Contact;

/**
 * The phases of the js-libp2p harness (../shared/bench/libp2p-peer/bench.mjs), as one actor over a {@link
 * BenchNetwork}: start N nodes (node 0 the bootstrap of all), settle the routing tables, measure memory and idle CPU,
 * warm the JIT up ({@link GossipWarmUp}, over QUIC), run sequential lookups, subscribe every node to one topic and
 * wait for the meshes, publish at a fixed rate from random nodes, drain. Timing comes from the network's clock (real
 * over QUIC, virtual in the simulator) and Pekko timers; randomness from the bench's seeded {@link Random}; replies through {@link Replies#once}.
 */
final class MeshBenchScenario {
  static final String TOPIC = "bench";
  private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(30);

  sealed interface Msg {}

  private enum Tick implements Msg { SPAWN, SETTLE_POLL, IDLE_DONE, MESH_MIN, MESH_MAX, PUBLISH, DRAIN_CHECK }

  private record BootstrapStatus(StatusReply<NodeStatus> reply) implements Msg {}

  private record TableSize(int node, StatusReply<NodeStatus> reply) implements Msg {}

  private record LookupDone(int from, NodeId target, long startNanos, StatusReply<LookupResult> reply)
      implements Msg {}

  private record Delivered(int receiver, byte[] data, long atNanos) implements Msg {}

  private record Ready(boolean ready) implements Msg {}

  private record Published(int index, StatusReply<MessageId> reply) implements Msg {}

  private record CountersIn(boolean after, StatusReply<NodeStatus> reply) implements Msg {}

  private record WarmedUp(GossipWarmUp.Summary summary) implements Msg {}

  private final ActorContext<Msg> ctx;
  private final TimerScheduler<Msg> timers;
  private final MeshBench.Settings settings;
  private final BenchNetwork network;
  private final Random random;
  private final Consumer<String> progress;
  /** The counts within each phase, with the time it has left (the summary of a phase goes through {@link #log}). */
  private final Progress reporter;
  private final Consumer<MeshBenchResult> done;
  private final Clock clock;
  private final MeshConfig config;
  private final MeshBench.Recorder recorder;
  private final long startNanos;
  private final long cpuAtStart = ProcessMeter.cpuNanos();
  private final List<BenchNetwork.Node> nodes = new ArrayList<>();
  private final List<NodeId> ids = new ArrayList<>();

  // settle
  /** Where each node listens, once it told us (seeds for later nodes). */
  private final InetSocketAddress[] addresses;
  private final int[] tableSizes;
  /** Nodes whose DHT bootstrap finished (node 0 has no seed): our counterpart of the harness's finished dials. */
  private final BitSet joined = new BitSet();
  private int pollsOut;
  private long settleStart;
  private long lastGrowth;
  private long lastSum = -1;
  private MeshBenchResult.Settle settle;
  private Double setupS;
  // memory, idle CPU
  private double rssBaselineMb;
  private double rssMb;
  private double heapMb;
  private long idleCpuStart;
  private long idleStart;
  private Double idleCpuPct;
  // lookups
  private final Percentiles lookupMs = new Percentiles();
  private final Percentiles accuracy = new Percentiles();
  private int lookupsDone;
  private int lookupsOk;
  private int lookupErrors;
  private int exact;
  private long returned;
  private long lookupStart;
  private long lookupDeadline;
  private MeshBenchResult.Lookup lookup;
  // warm-up
  private GossipWarmUp.Summary warmup;
  // gossip
  private MeshGate gate;
  private long meshStart;
  private MeshBenchResult.Mesh mesh;
  private int countersOut;
  private final Map<String, Long> before = new HashMap<>();
  private final Map<String, Long> after = new HashMap<>();
  private final List<Integer> meshSizes = new ArrayList<>();
  private final List<Long> sentNanos = new ArrayList<>();
  private final List<Integer> publishers = new ArrayList<>();
  private final List<BitSet> receivedBy = new ArrayList<>();
  private final Percentiles deliveryMs = new Percentiles();
  private int publishAnswers;
  private int publishErrors;
  private long gossipStart;
  private long gossipCpuStart;
  private long publishesDone;
  private long gossipCpuNanos;
  private long gossipJavaCpuStart;
  private long gossipJavaCpuNanos;
  private OptionalLong datagramsAtStart = OptionalLong.empty();
  private Long gossipDatagrams;
  private double gossipPhaseS;

  MeshBenchScenario(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, MeshBench.Settings settings,
      BenchNetwork network, Random random, Consumer<String> progress, Consumer<MeshBenchResult> done) {
    this.ctx = ctx;
    this.timers = timers;
    this.settings = settings;
    this.network = network;
    this.random = random;
    this.progress = progress;
    this.reporter = Progress.to(progress);
    this.done = done;
    this.clock = network.clock();
    this.config = settings.config();
    this.recorder = settings.recorder();
    this.tableSizes = new int[settings.nodes()];
    this.addresses = new InetSocketAddress[settings.nodes()];
    this.startNanos = nanos();
    this.rssBaselineMb = mb(ProcessMeter.rssBytes());
  }

  Behavior<Msg> start() {
    log(String.format("starting %d nodes, transport=%s (%s), seed=%d", settings.nodes(), network.transport(),
        network.links(), settings.seed()));
    spawn(config);
    BenchNetwork.Node first = nodes.get(0);
    first.ref().tell(new MeshNode.GetStatus(Replies.once(ctx, STATUS_TIMEOUT, BootstrapStatus::new,
        () -> new BootstrapStatus(StatusReply.error("node 0 did not answer")))));
    return Behaviors.receive(Msg.class)
        .onMessage(BootstrapStatus.class, this::bootstrapStarted)
        .onMessageEquals(Tick.SPAWN, this::spawnNext)
        .onMessageEquals(Tick.SETTLE_POLL, this::pollTables)
        .onMessage(TableSize.class, this::tableSize)
        .onMessageEquals(Tick.IDLE_DONE, this::idleDone)
        .onMessage(LookupDone.class, this::lookupDone)
        .onMessage(WarmedUp.class, this::warmedUp)
        .onMessage(Ready.class, this::ready)
        .onMessageEquals(Tick.MESH_MIN, this::meshMinPassed)
        .onMessageEquals(Tick.MESH_MAX, this::meshWaitOver)
        .onMessage(CountersIn.class, this::countersIn)
        .onMessageEquals(Tick.PUBLISH, this::publish)
        .onMessage(Published.class, this::published)
        .onMessage(Delivered.class, this::delivered)
        .onMessageEquals(Tick.DRAIN_CHECK, this::drainCheck)
        .build();
  }

  // ---- phase 1: setup ----

  private void spawn(MeshConfig nodeConfig) {
    BenchNetwork.Node node = network.spawn(ctx, nodeConfig);
    nodes.add(node);
    ids.add(node.id());
  }

  private Behavior<Msg> bootstrapStarted(BootstrapStatus status) {
    if (!status.reply().isSuccess() || status.reply().getValue().listen().isEmpty()) {
      return fail("node 0 did not start: " + (status.reply().isSuccess() ? "no listen address"
          : status.reply().getError().getMessage()));
    }
    addresses[0] = status.reply().getValue().listen().get(0);
    joined.set(0);
    log("node 0 listening at " + addresses[0]);
    timers.startTimerWithFixedDelay(Tick.SPAWN, settings.joinInterval());
    timers.startTimerWithFixedDelay(Tick.SETTLE_POLL, MeshBench.SETTLE_POLL, MeshBench.SETTLE_POLL);
    return Behaviors.same();
  }

  /**
   * Starts the next node, bootstrapping through node 0 and two random earlier nodes (as the harness dials), while at
   * most {@link MeshBench#JOINS_IN_FLIGHT} nodes are still joining (the harness awaits its dials 16 at a time).
   */
  private Behavior<Msg> spawnNext() {
    if (nodes.size() - joined.cardinality() >= MeshBench.JOINS_IN_FLIGHT) {
      return Behaviors.same();
    }
    List<InetSocketAddress> seeds = new ArrayList<>(List.of(addresses[0]));
    List<InetSocketAddress> earlier = new ArrayList<>();
    for (int i = 1; i < nodes.size(); i++) {
      if (addresses[i] != null) {
        earlier.add(addresses[i]);
      }
    }
    for (int extra = 0; extra < MeshBench.EXTRA_SEEDS && !earlier.isEmpty(); extra++) {
      InetSocketAddress seed = earlier.get(random.nextInt(earlier.size()));
      if (!seeds.contains(seed)) {
        seeds.add(seed);
      }
    }
    spawn(config.withBootstrap(seeds));
    report(Progress.Status.of("start nodes", nodes.size(), settings.nodes()));
    if (nodes.size() == settings.nodes()) {
      timers.cancel(Tick.SPAWN);
      log(String.format("started %d nodes in %.2fs", nodes.size(), (nanos() - startNanos) / 1e9));
      settleStart = nanos();
      lastGrowth = settleStart;
    }
    return Behaviors.same();
  }

  private int targetTableSize() {
    return Math.min(LookupAccuracy.TRUTH, settings.nodes() - 1);
  }

  /** Asks every node still below the target for its table size; one round at a time. */
  private Behavior<Msg> pollTables() {
    if (pollsOut > 0 || settle != null) {
      return Behaviors.same();
    }
    for (BenchNetwork.Node node : nodes) {
      if (tableSizes[node.index()] < targetTableSize() || !joined.get(node.index())) {
        pollsOut++;
        int index = node.index();
        node.ref().tell(new MeshNode.GetStatus(Replies.once(ctx, STATUS_TIMEOUT,
            (StatusReply<NodeStatus> reply) -> new TableSize(index, reply),
            () -> new TableSize(index, StatusReply.error("timed out")))));
      }
    }
    if (pollsOut == 0 && settleStart > 0) {
      settled("target");
    }
    return Behaviors.same();
  }

  private Behavior<Msg> tableSize(TableSize answer) {
    if (answer.reply().isSuccess()) {
      var dht = answer.reply().getValue().telemetry().dht();
      tableSizes[answer.node()] = dht.tableSize();
      if (dht.bootstrap().startsWith("joined")) {
        joined.set(answer.node());
      }
      List<InetSocketAddress> listen = answer.reply().getValue().listen();
      if (addresses[answer.node()] == null && !listen.isEmpty()) {
        addresses[answer.node()] = listen.get(0);
      }
    }
    if (--pollsOut > 0 || settle != null || settleStart == 0) {
      return Behaviors.same();
    }
    long now = nanos();
    long sum = 0;
    int min = Integer.MAX_VALUE;
    for (int size : tableSizes) {
      sum += size;
      min = Math.min(min, size);
    }
    boolean allJoined = joined.cardinality() == nodes.size();
    report(Progress.Status.of("settle", joined.cardinality(), nodes.size()).with(String.format(
        "joined; routing tables min %d / mean %.1f (target %d)", min, sum / (double) nodes.size(),
        targetTableSize())));
    if (sum != lastSum || !allJoined) {
      lastSum = sum;
      lastGrowth = now;
    }
    if (min >= targetTableSize() && allJoined) {
      settled("target");
    } else if (now - lastGrowth >= MeshBench.SETTLE_PLATEAU.toNanos()) {
      settled("plateau");
    } else if (now - settleStart >= MeshBench.SETTLE_MAX.toNanos()) {
      settled("timeout");
    }
    return Behaviors.same();
  }

  private void settled(String reason) {
    timers.cancel(Tick.SETTLE_POLL);
    long now = nanos();
    setupS = MeshBenchResult.round((now - startNanos) / 1e9, 2);
    int min = Integer.MAX_VALUE;
    int max = 0;
    long sum = 0;
    for (int size : tableSizes) {
      min = Math.min(min, size);
      max = Math.max(max, size);
      sum += size;
    }
    settle = new MeshBenchResult.Settle(targetTableSize(), min >= targetTableSize(), reason,
        MeshBenchResult.round((now - settleStart) / 1e9, 2), min,
        MeshBenchResult.round(sum / (double) settings.nodes(), 1), max);
    log(String.format("settle: %s, %d/%d joined, routing tables min %d / mean %.1f / max %d (target %d), "
        + "setup_s=%.2f", reason, joined.cardinality(), nodes.size(), min, sum / (double) settings.nodes(), max,
        targetTableSize(), setupS));
    heapMb = mb(Heap.used());
    rssMb = mb(ProcessMeter.rssBytes());
    log(String.format("memory after a full GC: rss %.1f MB (%.2f MB/node), heap %.1f MB (%.2f MB/node)", rssMb,
        rssMb / settings.nodes(), heapMb, heapMb / settings.nodes()));
    // Idle right after settling, as the harness measures it: after the warm-up, a thousand nodes were still busy
    // leaving its topic.
    idleStart = nanos();
    idleCpuStart = ProcessMeter.cpuNanos();
    timers.startSingleTimer(Tick.IDLE_DONE, MeshBench.IDLE_WINDOW);
  }

  private Behavior<Msg> idleDone() {
    long cpu = ProcessMeter.cpuNanos() - idleCpuStart;
    idleCpuPct = MeshBenchResult.round(100.0 * cpu / Math.max(1, nanos() - idleStart), 1);
    log(String.format("idle CPU of the settled mesh: %.1f %% of a core", idleCpuPct));
    if (settings.warmupRounds() == 0) {
      startLookups();
    } else {
      ActorRef<Msg> self = ctx.getSelf();
      ctx.spawn(GossipWarmUp.create(nodes, settings.warmupRounds(), random, this::nanos, this::log,
          summary -> self.tell(new WarmedUp(summary))), "warmup");
    }
    return Behaviors.same();
  }

  // ---- phase 2: warm-up (gossip on a topic of its own) ----

  private Behavior<Msg> warmedUp(WarmedUp done) {
    warmup = done.summary();
    log(String.format("warm-up: %d rounds in %.1f s, the JIT compiler %.0f %% of the last round's CPU",
        warmup.rounds(), warmup.seconds(), warmup.lastJitShare() * 100));
    startLookups();
    return Behaviors.same();
  }

  // ---- phase 3: lookups ----

  private void startLookups() {
    recorder.start();
    lookupStart = nanos();
    lookupDeadline = lookupStart + MeshBench.LOOKUP_BUDGET.toNanos();
    if (settings.lookups() == 0) {
      lookupsFinished();
    } else {
      startLookup();
    }
  }

  private void startLookup() {
    int from = random.nextInt(nodes.size());
    byte[] key = new byte[NodeId.LENGTH];
    random.nextBytes(key);
    NodeId target = NodeId.of(key);
    long started = nanos();
    nodes.get(from).ref().tell(new MeshNode.FindNode(target, Replies.once(ctx, MeshBench.LOOKUP_TIMEOUT,
        (StatusReply<LookupResult> reply) -> new LookupDone(from, target, started, reply),
        () -> new LookupDone(from, target, started, StatusReply.error("lookup timed out")))));
  }

  private Behavior<Msg> lookupDone(LookupDone answer) {
    lookupsDone++;
    lookupMs.add((nanos() - answer.startNanos()) / 1e6);
    List<Contact> got = List.of();
    if (answer.reply().isSuccess()) {
      List<Contact> closest = answer.reply().getValue().closest();
      got = closest.subList(0, Math.min(LookupAccuracy.TRUTH, closest.size()));
    } else {
      lookupErrors++;
    }
    returned += got.size();
    lookupsOk += got.isEmpty() ? 0 : 1;
    double share = LookupAccuracy.of(answer.target(), ids.get(answer.from()), ids, got);
    accuracy.add(share);
    exact += share == 1.0 ? 1 : 0;
    report(Progress.Status.of("lookups", lookupsDone, settings.lookups()).with(lookupsOk + " ok"));
    if (lookupsDone < settings.lookups() && nanos() < lookupDeadline) {
      startLookup();
    } else {
      lookupsFinished();
    }
    return Behaviors.same();
  }

  private void lookupsFinished() {
    int n = Math.max(1, lookupsDone);
    lookup = new MeshBenchResult.Lookup(lookupsDone, settings.lookups(), 1,
        MeshBenchResult.round(lookupsDone == 0 ? Double.NaN : lookupsOk / (double) n, 4),
        MeshBenchResult.round(accuracy.mean(), 4),
        MeshBenchResult.round(lookupsDone == 0 ? Double.NaN : exact / (double) n, 4),
        MeshBenchResult.round(lookupsDone == 0 ? Double.NaN : returned / (double) n, 2), lookupErrors,
        MeshBenchResult.round(lookupMs.percentile(50), 2), MeshBenchResult.round(lookupMs.percentile(95), 2),
        MeshBenchResult.round(lookupMs.max(), 2), MeshBenchResult.round((nanos() - lookupStart) / 1e9, 2));
    log(String.format("lookup: %d done, success %.4f, accuracy %.4f, p50 %.1f ms, p95 %.1f ms", lookupsDone,
        lookupsOk / (double) n, accuracy.mean(), lookupMs.percentile(50), lookupMs.percentile(95)));
    subscribeAll();
  }

  // ---- phase 4: gossip ----

  private void subscribeAll() {
    ActorRef<Msg> self = ctx.getSelf();
    for (BenchNetwork.Node node : nodes) {
      int index = node.index();
      ActorRef<ReceivedMessage> inbox = ctx.spawn(Behaviors.receive(ReceivedMessage.class)
          .onMessage(ReceivedMessage.class, m -> {
            // Stamped here, at the subscriber, not when the scenario gets round to it.
            self.tell(new Delivered(index, m.data(), nanos()));
            return Behaviors.same();
          }).build(), "inbox-" + index);
      node.ref().tell(new MeshNode.Subscribe(TOPIC, inbox));
      node.ref().tell(new MeshNode.WhenTopicReady(TOPIC, Replies.once(ctx, MeshBench.MESH_WAIT,
          (Done d) -> new Ready(true), () -> new Ready(false))));
    }
    gate = new MeshGate(nodes.size());
    meshStart = nanos();
    timers.startSingleTimer(Tick.MESH_MIN, MeshBench.MESH_MIN_WAIT);
    timers.startSingleTimer(Tick.MESH_MAX, MeshBench.MESH_WAIT);
  }

  private Behavior<Msg> ready(Ready answer) {
    boolean open = gate.answered();
    report(Progress.Status.of("mesh", gate.answers(), nodes.size()));
    return meshReady(open);
  }

  private Behavior<Msg> meshMinPassed() {
    return meshReady(gate.minWaitPassed());
  }

  private Behavior<Msg> meshWaitOver() {
    return meshReady(gate.waitOver());
  }

  private Behavior<Msg> meshReady(boolean gateOpened) {
    if (gateOpened) {
      timers.cancel(Tick.MESH_MAX);
      requestCounters(false);
    }
    return Behaviors.same();
  }

  private void requestCounters(boolean afterPhase) {
    countersOut = nodes.size();
    for (BenchNetwork.Node node : nodes) {
      node.ref().tell(new MeshNode.GetStatus(Replies.once(ctx, STATUS_TIMEOUT,
          (StatusReply<NodeStatus> reply) -> new CountersIn(afterPhase, reply),
          () -> new CountersIn(afterPhase, StatusReply.error("timed out")))));
    }
  }

  private Behavior<Msg> countersIn(CountersIn in) {
    if (in.reply().isSuccess() && in.reply().getValue().telemetry().pubsub() != null) {
      var pubsub = in.reply().getValue().telemetry().pubsub();
      pubsub.counters().forEach((k, v) -> (in.after() ? after : before).merge(k, v, Long::sum));
      if (!in.after()) {
        meshSizes.add(pubsub.meshes().stream().filter(t -> t.topic().equals(TOPIC)).mapToInt(TopicStatus::mesh)
            .findFirst().orElse(0));
      }
    }
    if (--countersOut > 0) {
      return Behaviors.same();
    }
    if (in.after()) {
      finish();
    } else {
      startPublishing();
    }
    return Behaviors.same();
  }

  private void startPublishing() {
    int min = meshSizes.stream().mapToInt(Integer::intValue).min().orElse(0);
    int max = meshSizes.stream().mapToInt(Integer::intValue).max().orElse(0);
    double mean = meshSizes.stream().mapToInt(Integer::intValue).average().orElse(0);
    mesh = new MeshBenchResult.Mesh(MeshBenchResult.round((nanos() - meshStart) / 1e9, 2), min,
        MeshBenchResult.round(mean, 2), max);
    log(String.format("mesh: %d/%d nodes ready, mesh peers min %d / mean %.2f / max %d; publishing %d messages "
        + "of %d B at %.0f/s", Math.min(gate.answers(), nodes.size()), nodes.size(), min, mean, max,
        settings.publishes(), MeshBench.MSG_SIZE, MeshBench.RATE));
    gossipCpuStart = ProcessMeter.cpuNanos();
    gossipJavaCpuStart = ProcessMeter.javaThreadsCpuNanos();
    datagramsAtStart = network.transport().equals("quic") ? KernelUdpCounters.outDatagrams()
        : OptionalLong.empty();
    gossipStart = nanos();
    if (settings.publishes() == 0) {
      endGossip();
      return;
    }
    timers.startTimerAtFixedRate(Tick.PUBLISH, Duration.ZERO, MeshBench.PUBLISH_INTERVAL);
  }

  private Behavior<Msg> publish() {
    int index = sentNanos.size();
    int from = random.nextInt(nodes.size());
    byte[] data = new byte[MeshBench.MSG_SIZE];
    random.nextBytes(data);
    ByteBuffer.wrap(data).putInt(index);
    publishers.add(from);
    receivedBy.add(new BitSet(nodes.size()));
    sentNanos.add(nanos());
    nodes.get(from).ref().tell(new MeshNode.Publish(TOPIC, data, Replies.once(ctx, MeshBench.LOOKUP_TIMEOUT,
        (StatusReply<MessageId> reply) -> new Published(index, reply),
        () -> new Published(index, StatusReply.error("no answer")))));
    if (sentNanos.size() == settings.publishes()) {
      timers.cancel(Tick.PUBLISH);
    }
    return Behaviors.same();
  }

  private Behavior<Msg> published(Published answer) {
    publishAnswers++;
    if (!answer.reply().isSuccess()) {
      if (++publishErrors <= 3) {
        log("publish error: " + answer.reply().getError().getMessage());
      }
    }
    if (publishAnswers == settings.publishes()) {
      publishesDone = nanos();
      timers.startTimerWithFixedDelay(Tick.DRAIN_CHECK, MeshBench.DRAIN_CHECK, MeshBench.DRAIN_CHECK);
    }
    return Behaviors.same();
  }

  private Behavior<Msg> delivered(Delivered d) {
    if (d.data().length < Integer.BYTES) {
      return Behaviors.same();
    }
    int index = ByteBuffer.wrap(d.data()).getInt();
    if (index < 0 || index >= sentNanos.size() || publishers.get(index) == d.receiver()) {
      return Behaviors.same();
    }
    BitSet receivers = receivedBy.get(index);
    if (!receivers.get(d.receiver())) {
      receivers.set(d.receiver());
      deliveryMs.add((d.atNanos() - sentNanos.get(index)) / 1e6);
      report(Progress.Status.of("gossip deliveries", deliveryMs.count(), expectedDeliveries()));
    }
    return Behaviors.same();
  }

  private long expectedDeliveries() {
    return settings.publishes() * (long) (nodes.size() - 1);
  }

  private Behavior<Msg> drainCheck() {
    if (deliveryMs.count() >= expectedDeliveries() || nanos() - publishesDone >= settings.drain().toNanos()) {
      timers.cancel(Tick.DRAIN_CHECK);
      endGossip();
    }
    return Behaviors.same();
  }

  private void endGossip() {
    gossipCpuNanos = ProcessMeter.cpuNanos() - gossipCpuStart;
    gossipJavaCpuNanos = ProcessMeter.javaThreadsCpuNanos() - gossipJavaCpuStart;
    gossipPhaseS = (nanos() - gossipStart) / 1e9;
    OptionalLong datagramsNow = KernelUdpCounters.outDatagrams();
    if (datagramsAtStart.isPresent() && datagramsNow.isPresent()) {
      gossipDatagrams = datagramsNow.getAsLong() - datagramsAtStart.getAsLong();
    }
    recorder.stop();
    requestCounters(true);
  }

  // ---- results ----

  private void finish() {
    long delivered = deliveryMs.count();
    long duplicates = delta("duplicates");
    long expected = expectedDeliveries();
    MeshBenchResult.Gossip gossip = new MeshBenchResult.Gossip(sentNanos.size(), publishErrors, expected, delivered,
        MeshBenchResult.round(expected == 0 ? Double.NaN : delivered / (double) expected, 4),
        MeshBenchResult.round(deliveryMs.percentile(50), 2), MeshBenchResult.round(deliveryMs.percentile(95), 2),
        MeshBenchResult.round(deliveryMs.percentile(99), 2), MeshBenchResult.round(deliveryMs.max(), 2),
        duplicates, MeshBenchResult.round(delivered == 0 ? Double.NaN : duplicates / (double) delivered, 3),
        delta("sent.data"), delta("sent.control"), gossipDatagrams,
        MeshBenchResult.round(gossipDatagrams == null || delivered == 0 ? Double.NaN
            : gossipDatagrams / (double) delivered, 2),
        MeshBench.MSG_SIZE, MeshBench.RATE, mesh, MeshBenchResult.round(gossipPhaseS, 2));
    log(String.format("gossip: delivery %d/%d, p50 %.1f ms, p95 %.1f ms, %.2f duplicates, %s UDP datagrams and %.3f "
            + "ms CPU per delivery (%.3f ms without JIT and GC threads)", delivered, expected,
        deliveryMs.percentile(50), deliveryMs.percentile(95), duplicates / (double) Math.max(1, delivered),
        gossip.datagramsPerDelivery(), gossipCpuNanos / 1e6 / Math.max(1, delivered),
        gossipJavaCpuNanos / 1e6 / Math.max(1, delivered)));
    Map<String, Long> grown = new TreeMap<>();
    after.forEach((k, v) -> {
      if (delta(k) != 0) {
        grown.put(k, delta(k));
      }
    });
    log("router counters over the gossip phase, summed over the nodes: " + grown);
    if (delivered < expected) {
      log(missing());
    }
    int n = settings.nodes();
    done.accept(new MeshBenchResult("quicmesh", network.transport(), network.links(), n, settings.seed(), setupS,
        settle, warmup, lookup, gossip, MeshBenchResult.round(rssMb / n, 2), MeshBenchResult.round(heapMb / n, 2),
        MeshBenchResult.round((rssMb - rssBaselineMb) / n, 2), MeshBenchResult.round(rssBaselineMb, 1),
        MeshBenchResult.round(rssMb, 1), MeshBenchResult.round(heapMb, 1), idleCpuPct,
        MeshBenchResult.round(delivered == 0 ? Double.NaN : gossipCpuNanos / 1e6 / delivered, 4),
        MeshBenchResult.round(delivered == 0 ? Double.NaN : gossipJavaCpuNanos / 1e6 / delivered, 4),
        MeshBenchResult.round(gossipCpuNanos / 1e9, 2), ProcessMeter.threads(), ProcessMeter.peakThreads(),
        MeshBenchResult.round((nanos() - startNanos) / 1e9, 2),
        MeshBenchResult.round((ProcessMeter.cpuNanos() - cpuAtStart) / 1e9, 2), recorder.file(), null));
  }

  /** Which (message, receiver) pairs never arrived: spread out, or a few receivers or messages. */
  private String missing() {
    Map<Integer, Integer> byReceiver = new TreeMap<>();
    Map<Integer, Integer> byMessage = new TreeMap<>();
    for (int index = 0; index < receivedBy.size(); index++) {
      for (int receiver = 0; receiver < nodes.size(); receiver++) {
        if (receiver != publishers.get(index) && !receivedBy.get(index).get(receiver)) {
          byReceiver.merge(receiver, 1, Integer::sum);
          byMessage.merge(index, 1, Integer::sum);
        }
      }
    }
    return String.format("missing deliveries: %d receivers lack %d messages; by receiver (node: messages) %s; by "
        + "message (index: receivers) %s", byReceiver.size(), byMessage.size(), top(byReceiver), top(byMessage));
  }

  private static String top(Map<Integer, Integer> counts) {
    return counts.entrySet().stream().sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed()).limit(10)
        .map(e -> e.getKey() + ": " + e.getValue()).toList().toString();
  }

  private Behavior<Msg> fail(String error) {
    log("FAILED: " + error);
    done.accept(new MeshBenchResult("quicmesh", network.transport(), network.links(), settings.nodes(),
        settings.seed(), setupS, settle, warmup, lookup, null, null, null, null, null, null, null, idleCpuPct, null,
        null, null,
        ProcessMeter.threads(), ProcessMeter.peakThreads(), MeshBenchResult.round((nanos() - startNanos) / 1e9, 2),
        null, recorder.file(), error));
    return Behaviors.same();
  }

  // ---- helpers ----

  /** A router counter summed over the nodes: its growth over the gossip phase. */
  private long delta(String counter) {
    return after.getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L);
  }

  private long nanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private void report(Progress.Status status) {
    reporter.report(status, network.transport().equals("sim") ? (nanos() - startNanos) / 1_000_000
        : Progress.NO_VIRTUAL_TIME);
  }

  private void log(String line) {
    progress.accept(String.format("[%.1fs] %s", (nanos() - startNanos) / 1e9, line));
  }

  private static double mb(long bytes) {
    return bytes < 0 ? Double.NaN : bytes / (1024.0 * 1024.0);
  }
}
