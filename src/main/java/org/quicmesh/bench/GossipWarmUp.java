package org.quicmesh.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.actor.Replies;
import org.quicmesh.node.MeshNode;
import org.quicmesh.pubsub.MessageId;
import org.quicmesh.pubsub.ReceivedMessage;

/**
 * Warms the JVM up before the measured phases: rounds of publishes at the bench's rate, until the JIT compiler took
 * less than {@link #SETTLED_SHARE} of the process CPU in a round, or {@code maxRounds} rounds ran. Each round goes
 * through what the measured gossip phase does, on a topic of its own ({@value #TOPIC}-1, -2, ..., so the measured
 * topic's meshes and choke state start fresh): every node joins it (leaving the last round's), waits for its mesh,
 * then the publishes. In a fresh JVM the C2 compiler alone took a third of the gossip phase's CPU at 50 nodes on 2
 * cores: a one-off cost of starting a process, which a long-running node does not pay per message. With one topic for
 * all rounds, leaving it ran code paths the rounds never had (prunes, a topic actor stopping), the JIT threw away
 * compiled code for them and recompiled it in the measured phase: a quarter of its CPU at 20 nodes.
 */
final class GossipWarmUp {
  static final String TOPIC = "bench-warmup";
  /** A round aims at this many deliveries (100 publishes at 50 nodes), within the publish bounds below. */
  static final int ROUND_DELIVERIES = 4900;
  static final int MIN_ROUND_PUBLISHES = 5;
  static final int MAX_ROUND_PUBLISHES = 100;
  static final double SETTLED_SHARE = 0.05;
  /** The warm-up ends once its topic was this long without a delivery. */
  static final Duration QUIET = Duration.ofSeconds(1);
  /**
   * A round waits this long at most for its deliveries, and the end for quiet: at 1,000 nodes on 2 cores a round of 5
   * publishes takes several seconds of CPU, and rounds cut at 5 s piled up a backlog that the lookups then ran in.
   */
  static final Duration ROUND_DRAIN = Duration.ofSeconds(60);

  /**
   * What the warm-up did, for the result.
   *
   * @param rounds rounds run
   * @param publishesPerRound publishes in each ({@link #roundPublishes})
   * @param lastJitShare the share of the process CPU that the JIT compiler took in the last round
   * @param seconds wall time of the warm-up, leaving the topic included
   */
  public record Summary(int rounds, int publishesPerRound, double lastJitShare, double seconds) {}

  /** Publishes per round at {@code nodes}: about {@link #ROUND_DELIVERIES} deliveries, within the bounds. */
  static int roundPublishes(int nodes) {
    int publishes = (ROUND_DELIVERIES + nodes - 2) / Math.max(1, nodes - 1);
    return Math.max(MIN_ROUND_PUBLISHES, Math.min(MAX_ROUND_PUBLISHES, publishes));
  }

  sealed interface Msg {}

  private enum Tick implements Msg { MESH_MIN, PUBLISH, DRAIN_CHECK }

  /** A node's mesh in this round's topic is ready, or the wait for it timed out. */
  private record Ready(int round) implements Msg {}

  /** A delivery of a message of round {@code round} that {@code publisher} published. */
  private record Delivered(int receiver, int round, int publisher) implements Msg {}

  private record Published(StatusReply<MessageId> reply) implements Msg {}

  private final ActorContext<Msg> ctx;
  private final TimerScheduler<Msg> timers;
  private final List<BenchNetwork.Node> nodes;
  private final int maxRounds;
  private final int roundPublishes;
  private final Random random;
  private final Consumer<String> log;
  private final Consumer<Summary> done;
  private final List<ActorRef<ReceivedMessage>> inboxes = new ArrayList<>();
  private final LongSupplier nanos;
  private final long startNanos;
  private int round;
  private MeshGate gate;
  private int sent;
  private long delivered;
  private long roundStart;
  private long cpuStart;
  private long jitStart;
  private long publishedAt;
  private long lastDelivery;
  private boolean quieting;
  private long quietSince;
  private double lastShare = Double.NaN;

  private GossipWarmUp(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, List<BenchNetwork.Node> nodes, int maxRounds,
      Random random, LongSupplier nanos, Consumer<String> log, Consumer<Summary> done) {
    this.ctx = ctx;
    this.nanos = nanos;
    this.startNanos = nanos.getAsLong();
    this.timers = timers;
    this.nodes = List.copyOf(nodes);
    this.maxRounds = maxRounds;
    this.roundPublishes = roundPublishes(nodes.size());
    this.random = random;
    this.log = log;
    this.done = done;
  }

  /**
   * The warm-up as a child actor; {@code done} runs on it once every node left the topic. {@code nanos} is the bench's
   * clock (the network's: virtual in the simulator).
   */
  static Behavior<Msg> create(List<BenchNetwork.Node> nodes, int maxRounds, Random random, LongSupplier nanos,
      Consumer<String> log, Consumer<Summary> done) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new GossipWarmUp(ctx, timers, nodes, maxRounds, random, nanos, log, done).start()));
  }

  private Behavior<Msg> start() {
    ActorRef<Msg> self = ctx.getSelf();
    for (BenchNetwork.Node node : nodes) {
      int index = node.index();
      ActorRef<ReceivedMessage> inbox = ctx.spawn(Behaviors.receive(ReceivedMessage.class)
          .onMessage(ReceivedMessage.class, m -> {
            ByteBuffer data = ByteBuffer.wrap(m.data());
            self.tell(data.remaining() < 2 * Integer.BYTES ? new Delivered(index, -1, -1)
                : new Delivered(index, data.getInt(), data.getInt()));
            return Behaviors.same();
          }).build(), "warmup-inbox-" + index);
      inboxes.add(inbox);
    }
    log.accept(String.format("warm-up: rounds of %d publishes, each on a topic of its own (%s-1, -2, ...), until the "
        + "JIT compiler takes < %.0f %% of the CPU (at most %d rounds)", roundPublishes, TOPIC, SETTLED_SHARE * 100,
        maxRounds));
    startRound();
    return Behaviors.receive(Msg.class)
        .onMessage(Ready.class, this::ready)
        .onMessageEquals(Tick.MESH_MIN, this::meshMinPassed)
        .onMessageEquals(Tick.PUBLISH, this::publish)
        .onMessage(Published.class, p -> Behaviors.same())
        .onMessage(Delivered.class, this::delivered)
        .onMessageEquals(Tick.DRAIN_CHECK, this::drainCheck)
        .build();
  }

  static String topic(int round) {
    return TOPIC + "-" + round;
  }

  /** Every node leaves the last round's topic and joins this round's; publishing starts once the meshes are ready. */
  private Behavior<Msg> startRound() {
    round++;
    sent = 0;
    delivered = 0;
    gate = new MeshGate(nodes.size());
    roundStart = nanos.getAsLong();
    int thisRound = round;
    for (int i = 0; i < nodes.size(); i++) {
      ActorRef<MeshNode.Command> node = nodes.get(i).ref();
      if (round > 1) {
        node.tell(new MeshNode.Unsubscribe(topic(round - 1), inboxes.get(i)));
      }
      node.tell(new MeshNode.Subscribe(topic(round), inboxes.get(i)));
      node.tell(new MeshNode.WhenTopicReady(topic(round), Replies.once(ctx, MeshBench.MESH_WAIT,
          (Done d) -> new Ready(thisRound), () -> new Ready(thisRound))));
    }
    timers.startSingleTimer(Tick.MESH_MIN, MeshBench.MESH_MIN_WAIT);
    return Behaviors.same();
  }

  private Behavior<Msg> ready(Ready answer) {
    if (answer.round() == round && gate.answered()) {
      startPublishing();
    }
    return Behaviors.same();
  }

  private Behavior<Msg> meshMinPassed() {
    if (gate.minWaitPassed()) {
      startPublishing();
    }
    return Behaviors.same();
  }

  private void startPublishing() {
    // As the measured phase: the JIT's share counts from the first publish.
    cpuStart = ProcessMeter.cpuNanos();
    jitStart = ProcessMeter.jitNanos();
    timers.startTimerAtFixedRate(Tick.PUBLISH, Duration.ZERO, MeshBench.PUBLISH_INTERVAL);
  }

  private Behavior<Msg> publish() {
    int from = random.nextInt(nodes.size());
    byte[] data = new byte[MeshBench.MSG_SIZE];
    random.nextBytes(data);
    ByteBuffer.wrap(data).putInt(round).putInt(from);
    nodes.get(from).ref().tell(new MeshNode.Publish(topic(round), data, Replies.once(ctx, MeshBench.LOOKUP_TIMEOUT,
        Published::new, () -> new Published(StatusReply.error("no answer")))));
    if (++sent == roundPublishes) {
      timers.cancel(Tick.PUBLISH);
      publishedAt = nanos.getAsLong();
      timers.startTimerWithFixedDelay(Tick.DRAIN_CHECK, MeshBench.DRAIN_CHECK);
    }
    return Behaviors.same();
  }

  private Behavior<Msg> delivered(Delivered d) {
    lastDelivery = nanos.getAsLong();
    if (d.round() == round && d.publisher() != d.receiver()) {
      delivered++;
    }
    return Behaviors.same();
  }

  private Behavior<Msg> drainCheck() {
    if (quieting) {
      return quietCheck();
    }
    long expected = roundPublishes * (long) (nodes.size() - 1);
    if (delivered < expected && nanos.getAsLong() - publishedAt < ROUND_DRAIN.toNanos()) {
      return Behaviors.same();
    }
    long cpu = ProcessMeter.cpuNanos() - cpuStart;
    long jit = ProcessMeter.jitNanos() - jitStart;
    lastShare = cpu <= 0 ? 0 : Math.min(1, jit / (double) cpu);
    log.accept(String.format("warm-up round %d: %d/%d delivered, the round took %.1f s; from its first publish %.2f ms CPU per "
            + "delivery, the JIT compiler %.0f %% of it", round, delivered, expected, (nanos.getAsLong() - roundStart) / 1e9,
        cpu / 1e6 / Math.max(1, delivered), lastShare * 100));
    if (lastShare >= SETTLED_SHARE && round < maxRounds) {
      timers.cancel(Tick.DRAIN_CHECK);
      return startRound();
    }
    // Late copies of this round (and of earlier ones) still travel: the idle figure that follows must not see them.
    quieting = true;
    quietSince = nanos.getAsLong();
    return quietCheck();
  }

  /** Every node leaves the topic once no delivery came for {@link #QUIET} (or {@link #ROUND_DRAIN} passed). */
  private Behavior<Msg> quietCheck() {
    long now = nanos.getAsLong();
    if (now - lastDelivery < QUIET.toNanos() && now - quietSince < ROUND_DRAIN.toNanos()) {
      return Behaviors.same();
    }
    timers.cancel(Tick.DRAIN_CHECK);
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).ref().tell(new MeshNode.Unsubscribe(topic(round), inboxes.get(i)));
    }
    done.accept(new Summary(round, roundPublishes, MeshBenchResult.round(lastShare, 3),
        MeshBenchResult.round((nanos.getAsLong() - startNanos) / 1e9, 2)));
    return Behaviors.stopped();
  }
}
