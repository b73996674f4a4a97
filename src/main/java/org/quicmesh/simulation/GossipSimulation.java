package org.quicmesh.simulation;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.identity.NodeId;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.NodeStatus;
import org.quicmesh.actor.Replies;
import org.quicmesh.pubsub.MessageId;
import org.quicmesh.pubsub.ReceivedMessage;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.virtualtime.SimulationSystem;

/**
 * The GossipSub scenario, in virtual time and deterministic for a seed: N nodes join the DHT one by one through a
 * random earlier node, the network settles, every node subscribes to one topic, the meshes form for a few heartbeats,
 * then M messages are published from random live nodes at a fixed rate and the network drains.
 *
 * <p>Measured: which subscribers received each message and when (publish to first local delivery), its hop count
 * (following the {@link ReceivedMessage#via} parent pointers back to the origin), and the routers' counters over the
 * publish phase (duplicates, control bytes). Options:
 *
 * <ul>
 *   <li>{@code loss}: from the start of the publish phase, that fraction of RPCs ({@link SimNetwork#setLoss}) and of
 *       stream messages ({@link SimNetwork#setStreamLoss}: each message, data or control, is lost independently at the
 *       receiving end of its link, as on an unreliable datagram link) is lost, so delivery depends on IHave/IWant
 *       repair. Simulated streams are otherwise reliable, like QUIC streams.
 *   <li>{@code crashFraction}: before the middle publish, that fraction of the nodes crashes silently (the network
 *       drops everything to and from them; their peers notice only when a send fails). Delivery is then counted to
 *       the survivors only, for all messages and for those published at least one heartbeat after the crash.
 * </ul>
 *
 * <p>The reference for latency is the <em>best path over the overlay</em>: for each (message, receiver) the
 * shortest-path latency from the origin over the gossip connections that actually exist (every pair of nodes that
 * opened a message stream to each other during the run, crashed nodes removed for messages published after the
 * crash), with each link's one-way latency from the latency model. A message flooded over the whole overlay with no
 * processing delay would arrive exactly then, so no tree on these connections is faster. The direct link latency
 * origin -> receiver (a star, which no degree-bounded mesh can be) is reported too.
 */
public final class GossipSimulation {

  /** Topic every node subscribes to. */
  public static final String TOPIC = "sim";

  public record Settings(int nodes, int publishes, double loss, double crashFraction, String latency, long seed,
      double publishesPerSecond, int payloadBytes, Duration joinInterval, Duration settle, Duration meshWait,
      Duration drain, Map<String, Object> overrides) {

    /** Defaults: 10 publishes/s, 64-byte payloads, a join every 20 ms, 30 s settle, 5 s mesh wait, 5 s drain. */
    public static Settings of(int nodes, int publishes, double loss, double crashFraction, String latency,
        long seed) {
      return new Settings(nodes, publishes, loss, crashFraction, latency, seed, 10, 64, Duration.ofMillis(20),
          Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(5), Map.of());
    }
  }

  /**
   * @param deliveryRatio deliveries to surviving subscribers (publisher excluded) / expected deliveries
   * @param deliveryRatioAfterCrashHeartbeat the same for messages published at least one heartbeat after the crash
   *     (equal to deliveryRatio without a crash)
   * @param hopsP50 hops of a delivery: the length of the via-path back to the origin (1 = straight from the origin)
   * @param duplicatesPerDelivery sum of routers' {@code duplicates} counters over the publish phase / deliveries
   * @param controlBytesPerDelivery sum of routers' {@code bytes.control} over the publish phase / deliveries
   * @param bestPathLatencyMsP95 p95 over delivered (message, receiver) of the shortest-path latency over the overlay
   * @param latencyRatioP95 latencyMsP95 / bestPathLatencyMsP95
   * @param directLatencyMsP95 p95 of the direct one-way link latency origin -> receiver
   * @param viaPathExcessMsP95 p95 of (latency - sum of the link latencies along the via-path): time spent in nodes
   *     and queues rather than on links (about 0 in virtual time unless messages wait for repair or in queues)
   * @param meshReadyFraction nodes whose mesh reached D_low before the publish phase
   * @param streamMessagesLost stream messages dropped by the simulated loss
   */
  public record Result(int nodes, int publishes, int publishFailures, double loss, double crashFraction,
      int survivors, long deliveries, long expectedDeliveries, double deliveryRatio,
      double deliveryRatioAfterCrashHeartbeat, double latencyMsP50, double latencyMsP95, double latencyMsMax,
      double hopsP50, double hopsP95, double hopsMax, double duplicatesPerDelivery, double controlBytesPerDelivery,
      double controlMessagesPerDelivery, long iwantAnswered, double bestPathLatencyMsP50,
      double bestPathLatencyMsP95, double latencyRatioP95, double directLatencyMsP95,
      double viaPathExcessMsP95, double meshReadyFraction,
      long streamMessagesLost, long heapBytesPerNode, double virtualS, double wallS) {}

  private GossipSimulation() {}

  public static Result run(Settings settings, Consumer<String> progress) {
    if (settings.nodes() < 2 || settings.publishes() < 1 || settings.loss() < 0 || settings.loss() >= 1
        || settings.crashFraction() < 0 || settings.crashFraction() >= 1 || settings.publishesPerSecond() <= 0
        || settings.payloadBytes() < Long.BYTES) {
      throw new IllegalArgumentException("need nodes >= 2, publishes >= 1, 0 <= loss < 1, 0 <= crash < 1, "
          + "a positive rate and payloads of at least 8 bytes");
    }
    long wallStart = System.nanoTime();
    long heapBefore = Heap.used();
    Tally tally = new Tally();
    try (SimulationSystem<Msg> sim = SimulationSystem.create("gossip-sim", settings.seed(),
        random -> Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new Scenario(ctx, timers, settings, random, tally).start())))) {
      if (!ScenarioRun.until(sim.driver(), () -> tally.result != null, ScenarioRun.fixed(Duration.ofSeconds(5)),
          Duration.ofHours(6), Progress.to(progress), () -> tally.status(settings))) {
        throw new IllegalStateException("simulation did not finish within 6 virtual hours");
      }
      if (tally.heapAfterMeshes > 0) {
        tally.heapPerNode = Math.max(1, Math.max(0, tally.heapAfterMeshes - heapBefore) / settings.nodes());
      }
      return tally.result.apply((System.nanoTime() - wallStart) / 1e9);
    }
  }

  sealed interface Msg {}

  private enum Tick implements Msg { JOIN, SETTLED, MESH_WAITED, PUBLISH, DRAINED }

  private record Delivered(int receiver, ReceivedMessage message, long atMillis) implements Msg {}

  private record Ready(boolean ready) implements Msg {}

  private record Published(int index, StatusReply<MessageId> reply) implements Msg {}

  private record StatusIn(int phase, StatusReply<NodeStatus> reply) implements Msg {}

  /** Figures handed from the scenario (simulation thread) to the driving thread. */
  private static final class Tally {
    volatile int joined;
    volatile int published;
    volatile long deliveries;
    volatile long heapAfterMeshes;
    volatile long heapPerNode;
    volatile java.util.function.DoubleFunction<Result> result;

    Progress.Status status(Settings s) {
      if (joined < s.nodes()) {
        return Progress.Status.of("join", joined, s.nodes());
      }
      if (heapAfterMeshes == 0) {
        return Progress.Status.of("subscribe", 0, 0);
      }
      Progress.Status publish = published < s.publishes() ? Progress.Status.of("publish", published, s.publishes())
          : Progress.Status.of("drain", 0, 0);
      return publish.with(deliveries + " deliveries");
    }
  }

  /** One published message: who, when, and per receiver the first delivery time and the peer it came from. */
  private static final class Sent {
    final int origin;
    final long atMillis;
    final boolean afterCrashHeartbeat;
    final long[] deliveredAt;
    final int[] via;
    boolean failed;

    Sent(int origin, long atMillis, boolean afterCrashHeartbeat, int nodes) {
      this.origin = origin;
      this.atMillis = atMillis;
      this.afterCrashHeartbeat = afterCrashHeartbeat;
      this.deliveredAt = new long[nodes];
      this.via = new int[nodes];
      Arrays.fill(deliveredAt, -1);
      Arrays.fill(via, -1);
    }
  }

  private static final class Scenario {
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

    private final ActorContext<Msg> ctx;
    private final TimerScheduler<Msg> timers;
    private final Settings settings;
    private final Random random;
    private final Tally tally;
    private final Clock clock;
    private final LatencyModel latency;
    private final SimulatedMesh mesh;
    private final MeshConfig config;
    private final long heartbeatMillis;
    private final long startMillis;
    private final Map<NodeId, Integer> indexOf = new HashMap<>();
    private final Map<InetSocketAddress, Integer> indexOfAddress = new HashMap<>();
    /** The overlay: which nodes opened a message stream to each other (undirected). */
    private final List<BitSet> overlay = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private final BitSet crashed = new BitSet();
    private final List<SimulatedMesh.Member> live = new ArrayList<>();
    private long crashedAt = -1;
    private int readyAnswers;
    private int ready;
    private int statusAnswers;
    private final Map<String, Long> baseline = new HashMap<>();
    private final Map<String, Long> totals = new HashMap<>();

    Scenario(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, Settings settings, Random random, Tally tally) {
      this.ctx = ctx;
      this.timers = timers;
      this.settings = settings;
      this.random = random;
      this.tally = tally;
      this.clock = SimDriver.of(ctx.getSystem()).clock();
      this.latency = LatencyModel.parse(settings.latency(), settings.seed());
      SimNetwork network = new SimNetwork(ctx.getSystem(), clock, latency, settings.seed());
      network.onStreamOpened(this::streamOpened);
      this.mesh = new SimulatedMesh(network, clock, random);
      this.config = SimulatedMesh.config(settings.overrides());
      this.startMillis = clock.millis();
      this.heartbeatMillis = config.raw().getDuration("pubsub.heartbeat").toMillis();
    }

    Behavior<Msg> start() {
      timers.startTimerWithFixedDelay(Tick.JOIN, Duration.ZERO, settings.joinInterval());
      return Behaviors.receive(Msg.class)
          .onMessageEquals(Tick.JOIN, this::join)
          .onMessageEquals(Tick.SETTLED, this::subscribeAll)
          .onMessageEquals(Tick.MESH_WAITED, this::meshesWaited)
          .onMessageEquals(Tick.PUBLISH, this::publish)
          .onMessageEquals(Tick.DRAINED, this::drained)
          .onMessage(Delivered.class, this::delivered)
          .onMessage(Ready.class, this::ready)
          .onMessage(Published.class, this::published)
          .onMessage(StatusIn.class, this::statusIn)
          .build();
    }

    // ---- phases ----

    private Behavior<Msg> join() {
      SimulatedMesh.Member member = mesh.join(ctx, config, live);
      indexOf.put(member.keypair().nodeId(), member.index());
      indexOfAddress.put(member.address(), member.index());
      overlay.add(new BitSet());
      tally.joined = live.size();
      if (live.size() == settings.nodes()) {
        timers.cancel(Tick.JOIN);
        timers.startSingleTimer(Tick.SETTLED, settings.settle());
      }
      return Behaviors.same();
    }

    private Behavior<Msg> subscribeAll() {
      ActorRef<Msg> self = ctx.getSelf();
      for (SimulatedMesh.Member member : mesh.members()) {
        int index = member.index();
        ActorRef<ReceivedMessage> inbox = ctx.spawn(Behaviors.receive(ReceivedMessage.class)
            .onMessage(ReceivedMessage.class, m -> {
              self.tell(new Delivered(index, m, clock.millis()));
              return Behaviors.same();
            }).build(), "inbox-" + index);
        member.node().tell(new MeshNode.Subscribe(TOPIC, inbox));
        member.node().tell(new MeshNode.WhenTopicReady(TOPIC, Replies.once(ctx, settings.meshWait(),
            (Done done) -> new Ready(true), () -> new Ready(false))));
      }
      timers.startSingleTimer(Tick.MESH_WAITED, settings.meshWait());
      return Behaviors.same();
    }

    private Behavior<Msg> ready(Ready answer) {
      readyAnswers++;
      ready += answer.ready() ? 1 : 0;
      return Behaviors.same();
    }

    private Behavior<Msg> meshesWaited() {
      tally.heapAfterMeshes = Heap.used();
      requestStatuses(0);
      return Behaviors.same();
    }

    private void startPublishing() {
      if (settings.loss() > 0) {
        mesh.network().setLoss(settings.loss());
        mesh.network().setStreamLoss(settings.loss());
      }
      long periodNanos = (long) (1e9 / settings.publishesPerSecond());
      timers.startTimerAtFixedRate(Tick.PUBLISH, Duration.ZERO, Duration.ofNanos(periodNanos));
    }

    private Behavior<Msg> publish() {
      int index = sent.size();
      if (index == settings.publishes() / 2 && settings.crashFraction() > 0) {
        crash();
      }
      int origin = live.get(random.nextInt(live.size())).index();
      long now = clock.millis();
      boolean afterHeartbeat = crashedAt < 0 || now >= crashedAt + heartbeatMillis;
      sent.add(new Sent(origin, now, afterHeartbeat, settings.nodes()));
      byte[] data = new byte[settings.payloadBytes()];
      ByteBuffer.wrap(data).putLong(index);
      mesh.member(origin).node().tell(new MeshNode.Publish(TOPIC, data, Replies.once(ctx, ASK_TIMEOUT,
          (StatusReply<MessageId> reply) -> new Published(index, reply),
          () -> new Published(index, StatusReply.error("timed out")))));
      tally.published = sent.size();
      if (sent.size() == settings.publishes()) {
        timers.cancel(Tick.PUBLISH);
        timers.startSingleTimer(Tick.DRAINED, settings.drain());
      }
      return Behaviors.same();
    }

    private void crash() {
      int count = (int) Math.round(settings.crashFraction() * settings.nodes());
      for (int i = 0; i < count && live.size() > 1; i++) {
        int victim = live.remove(random.nextInt(live.size())).index();
        crashed.set(victim);
        mesh.network().crash(mesh.member(victim).address());
      }
      crashedAt = clock.millis();
    }

    private Behavior<Msg> published(Published published) {
      if (!published.reply().isSuccess()) {
        sent.get(published.index()).failed = true;
      }
      return Behaviors.same();
    }

    private Behavior<Msg> delivered(Delivered delivered) {
      byte[] data = delivered.message().data();
      if (data.length < Long.BYTES) {
        return Behaviors.same();
      }
      long index = ByteBuffer.wrap(data).getLong();
      if (index < 0 || index >= sent.size()) {
        return Behaviors.same();
      }
      Sent message = sent.get((int) index);
      int receiver = delivered.receiver();
      if (message.deliveredAt[receiver] < 0) {
        message.deliveredAt[receiver] = delivered.atMillis();
        Integer via = indexOf.get(delivered.message().via());
        message.via[receiver] = via == null ? -1 : via;
        tally.deliveries++;
      }
      return Behaviors.same();
    }

    private Behavior<Msg> drained() {
      requestStatuses(1);
      return Behaviors.same();
    }

    // ---- router counters ----

    private void requestStatuses(int phase) {
      statusAnswers = 0;
      for (SimulatedMesh.Member member : mesh.members()) {
        member.node().tell(new MeshNode.GetStatus(Replies.once(ctx, ASK_TIMEOUT,
            (StatusReply<NodeStatus> reply) -> new StatusIn(phase, reply),
            () -> new StatusIn(phase, StatusReply.error("timed out")))));
      }
    }

    private Behavior<Msg> statusIn(StatusIn in) {
      if (in.reply().isSuccess() && in.reply().getValue().telemetry().pubsub() != null) {
        Map<String, Long> into = in.phase() == 0 ? baseline : totals;
        in.reply().getValue().telemetry().pubsub().counters().forEach((k, v) -> into.merge(k, v, Long::sum));
      }
      if (++statusAnswers == mesh.size()) {
        if (in.phase() == 0) {
          startPublishing();
        } else {
          finish();
        }
      }
      return Behaviors.same();
    }

    private long counter(String name) {
      return totals.getOrDefault(name, 0L) - baseline.getOrDefault(name, 0L);
    }

    // ---- results ----

    private void streamOpened(InetSocketAddress from, InetSocketAddress to) {
      Integer a = indexOfAddress.get(from);
      Integer b = indexOfAddress.get(to);
      if (a != null && b != null) {
        overlay.get(a).set(b);
        overlay.get(b).set(a);
      }
    }

    private void finish() {
      int n = settings.nodes();
      Percentiles latencyMs = new Percentiles();
      Percentiles hops = new Percentiles();
      Percentiles best = new Percentiles();
      Percentiles direct = new Percentiles();
      Percentiles excess = new Percentiles();
      long expected = 0;
      long delivered = 0;
      long expectedLate = 0;
      long deliveredLate = 0;
      int failures = 0;
      for (Sent message : sent) {
        failures += message.failed ? 1 : 0;
        double[] shortest = shortestPaths(message.origin, crashedAt >= 0 && message.atMillis >= crashedAt);
        int[] hopCache = new int[n];
        for (int r = 0; r < n; r++) {
          if (r == message.origin || crashed.get(r)) {
            continue;
          }
          expected++;
          expectedLate += message.afterCrashHeartbeat ? 1 : 0;
          if (message.deliveredAt[r] < 0) {
            continue;
          }
          delivered++;
          deliveredLate += message.afterCrashHeartbeat ? 1 : 0;
          latencyMs.add(message.deliveredAt[r] - message.atMillis);
          hops.add(hops(message, r, hopCache));
          best.add(shortest[r]);
          direct.add(oneWayMs(message.origin, r));
          excess.add(message.deliveredAt[r] - message.atMillis - viaPathMs(message, r));
        }
      }
      long duplicates = counter("duplicates");
      long controlBytes = counter("bytes.control");
      long controlMessages = counter("sent.control");
      long iwantAnswered = counter("iwant.answered");
      double perDelivery = Math.max(1, delivered);
      int failuresFinal = failures;
      long expectedFinal = expected;
      long deliveredFinal = delivered;
      double ratio = expected == 0 ? 1.0 : delivered / (double) expected;
      double ratioLate = expectedLate == 0 ? ratio : deliveredLate / (double) expectedLate;
      double readyFraction = ready / (double) n;
      long lost = mesh.network().streamDroppedCount();
      long virtualMs = clock.millis() - startMillis;
      tally.result = wallS -> new Result(n, sent.size(), failuresFinal, settings.loss(), settings.crashFraction(),
          n - crashed.cardinality(), deliveredFinal, expectedFinal, ratio, ratioLate, latencyMs.percentile(50),
          latencyMs.percentile(95), latencyMs.max(), hops.percentile(50), hops.percentile(95), hops.max(),
          duplicates / perDelivery, controlBytes / perDelivery, controlMessages / perDelivery, iwantAnswered,
          best.percentile(50), best.percentile(95), latencyMs.percentile(95) / best.percentile(95),
          direct.percentile(95), excess.percentile(95), readyFraction, lost, tally.heapPerNode, virtualMs / 1000.0,
          wallS);
    }

    /** Hops of receiver r's copy: 1 + the hops of the peer it came from (0 at the origin), memoised per message. */
    private int hops(Sent message, int r, int[] cache) {
      int length = 0;
      int node = r;
      List<Integer> path = new ArrayList<>();
      while (node != message.origin && length <= settings.nodes()) {
        if (cache[node] > 0) {
          length += cache[node];
          break;
        }
        path.add(node);
        int parent = message.via[node];
        if (parent < 0) {
          break; // came from a node we cannot place: count what we have
        }
        length++;
        node = parent;
      }
      // Fill the cache along the walked path (each entry's distance to the origin).
      int remaining = length;
      for (int p : path) {
        cache[p] = remaining--;
      }
      return length;
    }

    /** Sum of the one-way link latencies along the via-path from the origin to r. */
    private double viaPathMs(Sent message, int r) {
      double total = 0;
      int node = r;
      for (int steps = 0; node != message.origin && steps <= settings.nodes(); steps++) {
        int parent = message.via[node];
        if (parent < 0) {
          break;
        }
        total += oneWayMs(parent, node);
        node = parent;
      }
      return total;
    }

    private double oneWayMs(int a, int b) {
      return latency.oneWay(mesh.member(a).address(), mesh.member(b).address()).toNanos() / 1e6;
    }

    /** Dijkstra over the overlay from {@code origin}, with link one-way latencies; crashed nodes left out if asked. */
    private double[] shortestPaths(int origin, boolean withoutCrashed) {
      int n = settings.nodes();
      double[] dist = new double[n];
      Arrays.fill(dist, Double.POSITIVE_INFINITY);
      dist[origin] = 0;
      PriorityQueue<double[]> queue = new PriorityQueue<>((x, y) -> Double.compare(x[0], y[0]));
      queue.add(new double[] {0, origin});
      while (!queue.isEmpty()) {
        double[] head = queue.poll();
        int u = (int) head[1];
        if (head[0] > dist[u]) {
          continue;
        }
        BitSet neighbours = overlay.get(u);
        for (int v = neighbours.nextSetBit(0); v >= 0; v = neighbours.nextSetBit(v + 1)) {
          if (withoutCrashed && crashed.get(v)) {
            continue;
          }
          double d = dist[u] + oneWayMs(u, v);
          if (d < dist[v]) {
            dist[v] = d;
            queue.add(new double[] {d, v});
          }
        }
      }
      return dist;
    }
  }
}
