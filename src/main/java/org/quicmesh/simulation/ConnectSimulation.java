package org.quicmesh.simulation;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.actor.Replies;
import org.quicmesh.connect.ConnectionInfo;
import org.quicmesh.identity.NodeId;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.simulation.NatSimulation.Router;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.virtualtime.SimulationSystem;

/**
 * Connecting by NodeId at scale: public relays (which are also the bootstrap nodes) form a mesh; N hosts join it,
 * each behind a router of the mix and holding reservations with three random relays; then random pairs of hosts
 * connect, knowing only each other's NodeId. Reports how many connected, how many ended on a direct path against how
 * many could (every pair but symmetric with port-restricted or symmetric), the time until the connect answered, and
 * the relays' load. Whole nodes, in virtual time.
 */
public final class ConnectSimulation {

  public record Settings(int nodes, Map<Router, Double> mix, int connects, String latency, long seed) {
    public Settings {
      mix = Map.copyOf(mix);
    }
  }

  /**
   * @param relaySessionsMaxPerRelay the most connections that went through one relay (those still relayed and those
   *     upgraded, whose relay session the probes keep)
   * @param directReachedRatio connections that were direct at some point: those direct at the end, and those the
   *     prober moved back to the relay because it was more than {@code relay-advantage} faster (links here need not
   *     obey the triangle inequality); the target is {@code directFeasibleRatio}
   * @param upgrades connections that started relayed and ended direct
   * @param failures why connects failed (the reason's first words), and how often
   * @param relayedThoughFeasible pairs that ended relayed though their NATs allow direct, by "from>to" router kinds
   */
  public record Result(int nodes, int relays, int connects, double connectSuccessRatio, double directRatio,
      double directReachedRatio, double directFeasibleRatio, double timeToFirstByteMsP50, double timeToFirstByteMsP95,
      int relaySessionsMaxPerRelay, int upgrades, Map<String, Integer> failures,
      Map<String, Integer> relayedThoughFeasible, double wallS) {}

  private sealed interface Msg {}

  private enum HostsJoin implements Msg { INSTANCE }

  private enum StartConnects implements Msg { INSTANCE }

  private enum Settle implements Msg { INSTANCE }

  private record ConnectNow(int attempt) implements Msg {}

  private record Connected(int attempt, long startedMs, StatusReply<ConnectionInfo> reply) implements Msg {}

  private record Final(int attempt, List<ConnectionInfo> connections) implements Msg {}

  private record Pair(int from, int to) {}

  private static final class Tally {
    final List<Router> routers = new ArrayList<>();
    final List<Pair> pairs = new ArrayList<>();
    final Percentiles firstByteMs = new Percentiles();
    final Map<NodeId, Integer> perRelay = new HashMap<>();
    final Map<String, Integer> failures = new java.util.TreeMap<>();
    final Map<String, Integer> relayedThoughFeasible = new java.util.TreeMap<>();
    int answered;
    int connected;
    int finals;
    int direct;
    int reachedDirect;
    int feasible;
    int upgrades;
    boolean settled;

    Progress.Status status(Settings s) {
      return (answered < s.connects() ? Progress.Status.of("connect", answered, s.connects())
          : Progress.Status.of("upgrades", finals, s.connects()))
          .with(connected + " connected, " + direct + " final paths direct");
    }
  }

  private static final Set<String> INFEASIBLE = Set.of("symmetric>port", "port>symmetric", "symmetric>symmetric");
  private static final Duration RELAYS_FORM = Duration.ofSeconds(10);
  private static final Duration JOIN_SPREAD = Duration.ofSeconds(10);
  /** Hosts bootstrap, reserve with their relays and publish their records in this time. */
  private static final Duration HOSTS_SETTLE = Duration.ofSeconds(40);
  private static final Duration CONNECT_SPREAD = Duration.ofSeconds(20);
  /** After the last connect answered, background upgrades finish within this time. */
  private static final Duration UPGRADES_SETTLE = Duration.ofSeconds(30);
  private static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(2);
  private static final int RELAYS_PER_HOST = 3;

  private ConnectSimulation() {}

  public static Result run(Settings settings, Consumer<String> progress) {
    long wallStart = System.nanoTime();
    Tally tally = new Tally();
    int relays = Math.max(4, settings.nodes() / 50);
    try (SimulationSystem<Msg> sim = SimulationSystem.create("connect-sim", settings.seed(),
        random -> scenario(settings, relays, random, tally))) {
      ScenarioRun.until(sim.driver(), () -> tally.finals >= settings.connects(),
          ScenarioRun.untilQuiet(Duration.ofSeconds(10)), Duration.ofMinutes(10), Progress.to(progress),
          () -> tally.status(settings));
    }
    int maxPerRelay = tally.perRelay.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    double n = settings.connects();
    return new Result(settings.nodes(), relays, settings.connects(), tally.connected / n, tally.direct / n,
        tally.reachedDirect / n, tally.feasible / n, tally.firstByteMs.percentile(50), tally.firstByteMs.percentile(95), maxPerRelay,
        tally.upgrades, tally.failures, tally.relayedThoughFeasible, (System.nanoTime() - wallStart) / 1e9);
  }

  private static Behavior<Msg> scenario(Settings settings, int relayCount, Random random, Tally tally) {
    return Behaviors.setup(ctx -> {
      var clock = SimDriver.of(ctx.getSystem()).clock();
      SimNetwork network = SimulatedMesh.network(ctx, clock, settings.latency(), settings.seed());
      // Detection off (no keepalives either): only the connections' own checks open the NATs.
      MeshConfig config = SimulatedMesh.config(Map.of("quicmesh.nat.detection.first-run-after", "1h"));
      SimulatedMesh mesh = new SimulatedMesh(network, clock, random);
      List<SimulatedMesh.Member> relays = new ArrayList<>();
      for (int i = 0; i < relayCount; i++) {
        mesh.join(ctx, config.withRelay(true), relays);
      }
      tally.routers.addAll(NatSimulation.assign(settings.nodes(), settings.mix(), random));
      List<SimulatedMesh.Member> hosts = new ArrayList<>();
      ctx.scheduleOnce(RELAYS_FORM, ctx.getSelf(), HostsJoin.INSTANCE);
      return Behaviors.receive(Msg.class)
          .onMessageEquals(HostsJoin.INSTANCE, () -> {
            for (int i = 0; i < settings.nodes(); i++) {
              List<InetSocketAddress> mine = new ArrayList<>();
              for (int r = 0; r < RELAYS_PER_HOST; r++) {
                mine.add(relays.get(random.nextInt(relays.size())).address());
              }
              MeshConfig hostConfig = config.withBootstrap(List.of(mine.get(0)))
                  .withRelayServers(mine.stream().distinct().toList());
              hosts.add(mesh.spawnBehind(ctx, hostConfig, network.addNat(tally.routers.get(i).behavior)));
            }
            ctx.scheduleOnce(HOSTS_SETTLE.plus(JOIN_SPREAD), ctx.getSelf(), StartConnects.INSTANCE);
            return Behaviors.same();
          })
          .onMessageEquals(StartConnects.INSTANCE, () -> {
            for (int c = 0; c < settings.connects(); c++) {
              int from = random.nextInt(hosts.size());
              int to = (from + 1 + random.nextInt(hosts.size() - 1)) % hosts.size();
              tally.pairs.add(new Pair(from, to));
              ctx.scheduleOnce(Duration.ofMillis((long) (random.nextDouble() * CONNECT_SPREAD.toMillis())),
                  ctx.getSelf(), new ConnectNow(c));
            }
            return Behaviors.same();
          })
          .onMessage(ConnectNow.class, now -> {
            Pair pair = tally.pairs.get(now.attempt());
            long started = clock.millis();
            hosts.get(pair.from()).node().tell(new MeshNode.Connect(hosts.get(pair.to()).keypair().nodeId(),
                Replies.once(ctx, CONNECT_TIMEOUT,
                    (StatusReply<ConnectionInfo> reply) -> new Connected(now.attempt(), started, reply),
                    () -> new Connected(now.attempt(), started, StatusReply.error("timed out")))));
            return Behaviors.same();
          })
          .onMessage(Connected.class, done -> {
            tally.answered++;
            if (done.reply().isSuccess()) {
              tally.connected++;
              tally.firstByteMs.add(clock.millis() - done.startedMs());
            } else {
              String reason = done.reply().getError().getMessage();
              tally.failures.merge(reason.length() > 60 ? reason.substring(0, 60) : reason, 1, Integer::sum);
            }
            if (tally.answered == settings.connects()) {
              ctx.scheduleOnce(UPGRADES_SETTLE, ctx.getSelf(), Settle.INSTANCE);
            }
            return Behaviors.same();
          })
          .onMessageEquals(Settle.INSTANCE, () -> {
            for (int c = 0; c < tally.pairs.size(); c++) {
              int attempt = c;
              hosts.get(tally.pairs.get(c).from()).node().tell(new MeshNode.GetConnections(Replies.once(ctx,
                  Duration.ofSeconds(30), (List<ConnectionInfo> all) -> new Final(attempt, all),
                  () -> new Final(attempt, List.of()))));
            }
            return Behaviors.same();
          })
          .onMessage(Final.class, last -> {
            Pair pair = tally.pairs.get(last.attempt());
            NodeId target = hosts.get(pair.to()).keypair().nodeId();
            String kinds = tally.routers.get(pair.from()).label + ">" + tally.routers.get(pair.to()).label;
            if (!INFEASIBLE.contains(kinds)) {
              tally.feasible++;
            }
            last.connections().stream().filter(c -> c.peer().equals(target)).findFirst().ifPresent(c -> {
              if (c.isDirect() || c.pathChanges() >= 2) {
                tally.reachedDirect++;
              }
              if (c.isDirect()) {
                tally.direct++;
                if (c.relay() != null) {
                  tally.upgrades++;
                }
              }
              if (c.relay() != null) {
                tally.perRelay.merge(c.relay(), 1, Integer::sum);
              }
              if (!c.isDirect() && !INFEASIBLE.contains(kinds)) {
                // Upgraded and moved back: the prober found the relay faster (links here need not obey the
                // triangle inequality), which the node prefers by design.
                tally.relayedThoughFeasible.merge(c.pathChanges() >= 2 ? kinds + " (relay faster)" : kinds, 1,
                    Integer::sum);
              }
            });
            tally.finals++;
            return Behaviors.same();
          })
          .build();
    });
  }
}
