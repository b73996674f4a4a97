package org.quicmesh.simulation;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.actor.Replies;
import org.quicmesh.identity.Keypair;
import org.quicmesh.nat.HostAddresses;
import org.quicmesh.nat.NatClassification;
import org.quicmesh.nat.NatDetector;
import org.quicmesh.nat.NatSettings;
import org.quicmesh.nat.NatType;
import org.quicmesh.nat.StunServer;
import org.quicmesh.nat.stun.Retransmission;
import org.quicmesh.nat.stun.StunServerAddresses;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.transport.sim.NatBehavior;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.transport.sim.SimTransport;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.virtualtime.SimulationSystem;

/**
 * NAT type detection at scale: N hosts, each behind a router of the kind the mix draws (none, full cone, restricted,
 * port-restricted, symmetric; stateful {@code NatBox}es), classify their NAT in virtual time, either with the node's
 * own {@link NatDetector} against two public RFC 5780 observers ({@link Observers#RFC5780}), or as whole nodes of a
 * mesh with public peers and no STUN server at all ({@link Observers#MESH}: peers report the mapping, dial-backs test
 * the filtering). Reports how many verdicts match the router, the confusion counts, and how long detection took.
 */
public final class NatSimulation {

  /** The routers of the mix, by the names {@code --nat-mix} uses, with the type a correct verdict names. */
  public enum Router {
    NONE("none", NatBehavior.NONE, NatType.NONE),
    FULL("full", NatBehavior.FULL_CONE, NatType.FULL_CONE),
    RESTRICTED("restricted", NatBehavior.RESTRICTED_CONE, NatType.RESTRICTED_CONE),
    PORT("port", NatBehavior.PORT_RESTRICTED_CONE, NatType.PORT_RESTRICTED_CONE),
    SYMMETRIC("symmetric", NatBehavior.SYMMETRIC, NatType.SYMMETRIC);

    final String label;
    final NatBehavior behavior;
    final NatType expected;

    Router(String label, NatBehavior behavior, NatType expected) {
      this.label = label;
      this.behavior = behavior;
      this.expected = expected;
    }

    /** How this kind of router translates and filters. */
    public NatBehavior behavior() {
      return behavior;
    }

    static Router of(String label) {
      for (Router r : values()) {
        if (r.label.equals(label)) {
          return r;
        }
      }
      throw new IllegalArgumentException("unknown NAT kind '" + label + "' (none, full, restricted, port, symmetric)");
    }
  }

  /** Who the hosts classify their NAT against. */
  public enum Observers {
    /** Two public two-address STUN servers; each host runs a bare detector. */
    RFC5780,
    /** Whole nodes joining a mesh of public nodes, no STUN server: mesh peers and their dial-backs only. */
    MESH;

    public static Observers of(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

  /** {@code mix}: fractions by router kind, e.g. {@code none:0.2,full:0.1,restricted:0.1,port:0.4,symmetric:0.2}. */
  public record Settings(int nodes, Map<Router, Double> mix, String latency, long seed, Observers observers) {
    public Settings {
      mix = Map.copyOf(mix);
      java.util.Objects.requireNonNull(observers, "observers");
    }

    public Settings(int nodes, Map<Router, Double> mix, String latency, long seed) {
      this(nodes, mix, latency, seed, Observers.RFC5780);
    }

    public static Map<Router, Double> parseMix(String spec) {
      Map<Router, Double> mix = new LinkedHashMap<>();
      for (String part : spec.split(",")) {
        String[] kv = part.trim().split(":");
        if (kv.length != 2) {
          throw new IllegalArgumentException("--nat-mix entries are KIND:FRACTION, not '" + part + "'");
        }
        mix.put(Router.of(kv[0].trim()), Double.parseDouble(kv[1].trim()));
      }
      double total = mix.values().stream().mapToDouble(Double::doubleValue).sum();
      if (Math.abs(total - 1) > 1e-6) {
        throw new IllegalArgumentException("--nat-mix fractions must add up to 1, not " + total);
      }
      return mix;
    }
  }

  /**
   * @param confusion detected type by router kind: {@code confusion.get("port").get("port_restricted_cone")}
   */
  /**
   * @param retries mesh hosts that asked again because they had met fewer than two observer IPs (0 with RFC 5780
   *     observers)
   */
  public record Result(int nodes, double detectedCorrectRatio, Map<String, Map<String, Integer>> confusion,
      double detectMsP50, double detectMsP95, double detectMsMax, int undecided, int retries, double wallS) {}

  private sealed interface Msg {}

  private record Start(int node) implements Msg {}

  private record Verdict(int node, long startedMs, StatusReply<NatClassification> reply) implements Msg {}

  /** A mesh host's {@code attempt}-th ask for its verdict; detection time counts from the first. */
  private record MeshStart(int node, int attempt, long firstStartedMs) implements Msg {}

  private record MeshVerdict(MeshStart start, StatusReply<NatClassification> reply) implements Msg {}

  /** The public mesh has formed: the hosts join it. */
  private enum HostsJoin implements Msg { INSTANCE }

  private static final class Tally {
    final List<Router> routers = new ArrayList<>();
    final Map<String, Map<String, Integer>> confusion = new TreeMap<>();
    final Percentiles detectMs = new Percentiles();
    int correct;
    int verdicts;
    int undecided;
    int retries;
  }

  private static final Duration VERDICT_TIMEOUT = Duration.ofMinutes(2);

  /** Detection runs start spread over this much virtual time, as nodes would start. */
  private static final Duration SPREAD = Duration.ofSeconds(10);

  /** In a mesh, the public nodes form their mesh for this long before the hosts join. */
  private static final Duration PUBLIC_MESH_FORMS = Duration.ofSeconds(10);

  /** In a mesh, hosts ask for their verdict this long after joining (bootstrap done, peers known) plus the spread. */
  private static final Duration JOINED = Duration.ofSeconds(20);

  /**
   * A mesh host that met fewer than two observer IPs (behind a strict NAT, most peers it learned of are natted too
   * and filter it; it keeps only those that answered) asks again this much later, as the node itself retries.
   */
  private static final Duration RETRY = Duration.ofSeconds(15);
  private static final int MESH_ATTEMPTS = 4;

  private NatSimulation() {}

  public static Result run(Settings settings, Consumer<String> progress) {
    long wallStart = System.nanoTime();
    Tally tally = new Tally();
    try (SimulationSystem<Msg> sim = SimulationSystem.create("nat-sim", settings.seed(),
        random -> settings.observers() == Observers.MESH ? meshScenario(settings, random, tally)
            : scenario(settings, random, tally))) {
      ScenarioRun.until(sim.driver(), () -> tally.verdicts >= settings.nodes(),
          ScenarioRun.untilQuiet(Duration.ofSeconds(10)), Duration.ofMinutes(5), Progress.to(progress),
          () -> Progress.Status.of("detect", tally.verdicts, settings.nodes()).with(tally.correct + " correct"));
    }
    double wall = (System.nanoTime() - wallStart) / 1e9;
    return new Result(settings.nodes(), tally.correct / (double) settings.nodes(), tally.confusion,
        tally.detectMs.percentile(50), tally.detectMs.percentile(95), tally.detectMs.max(),
        settings.nodes() - tally.verdicts + tally.undecided, tally.retries, wall);
  }

  private static Behavior<Msg> scenario(Settings settings, Random random, Tally tally) {
    return Behaviors.setup(ctx -> {
      var clock = SimDriver.of(ctx.getSystem()).clock();
      SimNetwork network = SimulatedMesh.network(ctx, clock, settings.latency(), settings.seed());
      List<InetSocketAddress> observers = List.of(observer(network), observer(network));
      NatSettings natSettings = new NatSettings(observers, Duration.ofHours(1), Duration.ofHours(1),
          Retransmission.RFC_DEFAULTS, new Retransmission(Duration.ofMillis(250), 3, 4), 0, Duration.ofHours(1),
          Duration.ofHours(1), Duration.ZERO, 0);
      tally.routers.addAll(assign(settings, random));
      List<ActorRef<NatDetector.Command>> detectors = new ArrayList<>();
      for (int i = 0; i < settings.nodes(); i++) {
        Router router = tally.routers.get(i);
        SimTransport host = network.attach(Keypair.generate(), network.addNat(router.behavior));
        detectors.add(ctx.spawn(NatDetector.create(host.datagrams(), HostAddresses.expand(host.listenAddresses()),
            natSettings, clock, new Random(random.nextLong()), Optional.empty(), mapped -> { }),
            "nat-" + i));
        ctx.scheduleOnce(Duration.ofMillis((long) (random.nextDouble() * SPREAD.toMillis())), ctx.getSelf(),
            new Start(i));
      }
      return Behaviors.receive(Msg.class)
          .onMessage(Start.class, start -> {
            long startedMs = clock.millis();
            detectors.get(start.node()).tell(new NatDetector.Detect(false, Replies.once(ctx, VERDICT_TIMEOUT,
                (StatusReply<NatClassification> reply) -> new Verdict(start.node(), startedMs, reply),
                () -> new Verdict(start.node(), startedMs, StatusReply.error("no verdict within " + VERDICT_TIMEOUT)))));
            return Behaviors.same();
          })
          .onMessage(Verdict.class, verdict -> {
            record(tally, verdict, clock.millis());
            return Behaviors.same();
          })
          .build();
    });
  }

  /**
   * Public nodes (a tenth of the hosts, at least 16) form a mesh; then each host joins it behind its router through a
   * random public node and, once joined, runs a detection (automatic runs are off, so each host's one run is the one timed).
   */
  private static Behavior<Msg> meshScenario(Settings settings, Random random, Tally tally) {
    return Behaviors.setup(ctx -> {
      var clock = SimDriver.of(ctx.getSystem()).clock();
      SimNetwork network = SimulatedMesh.network(ctx, clock, settings.latency(), settings.seed());
      MeshConfig config = SimulatedMesh.config(Map.of("quicmesh.nat.detection.first-run-after", "1h"));
      SimulatedMesh mesh = new SimulatedMesh(network, clock, random);
      List<SimulatedMesh.Member> publicNodes = new ArrayList<>();
      for (int i = 0; i < Math.max(16, settings.nodes() / 10); i++) {
        mesh.join(ctx, config, publicNodes);
      }
      tally.routers.addAll(assign(settings, random));
      List<ActorRef<MeshNode.Command>> hosts = new ArrayList<>();
      ctx.scheduleOnce(PUBLIC_MESH_FORMS, ctx.getSelf(), HostsJoin.INSTANCE);
      return Behaviors.receive(Msg.class)
          .onMessageEquals(HostsJoin.INSTANCE, () -> {
            for (int i = 0; i < settings.nodes(); i++) {
              hosts.add(mesh.joinBehind(ctx, config, publicNodes, network.addNat(tally.routers.get(i).behavior))
                  .node());
              ctx.scheduleOnce(JOINED.plusMillis((long) (random.nextDouble() * SPREAD.toMillis())), ctx.getSelf(),
                  new MeshStart(i, 1, -1));
            }
            return Behaviors.same();
          })
          .onMessage(MeshStart.class, start -> {
            MeshStart timed = start.firstStartedMs() >= 0 ? start
                : new MeshStart(start.node(), start.attempt(), clock.millis());
            hosts.get(start.node()).tell(new MeshNode.Nat(true, Replies.once(ctx, VERDICT_TIMEOUT,
                (StatusReply<NatClassification> reply) -> new MeshVerdict(timed, reply),
                () -> new MeshVerdict(timed, StatusReply.error("no verdict within " + VERDICT_TIMEOUT)))));
            return Behaviors.same();
          })
          .onMessage(MeshVerdict.class, verdict -> {
            MeshStart start = verdict.start();
            if (tooFewObservers(verdict.reply()) && start.attempt() < MESH_ATTEMPTS) {
              tally.retries++;
              ctx.scheduleOnce(RETRY, ctx.getSelf(),
                  new MeshStart(start.node(), start.attempt() + 1, start.firstStartedMs()));
            } else {
              record(tally, new Verdict(start.node(), start.firstStartedMs(), verdict.reply()), clock.millis());
            }
            return Behaviors.same();
          })
          .build();
    });
  }

  private static boolean tooFewObservers(StatusReply<NatClassification> reply) {
    return reply.isSuccess() && reply.getValue().type() == NatType.UNKNOWN
        && reply.getValue().evidence().mappings().stream()
        .map(o -> o.observer().getAddress()).distinct().count() < 2;
  }

  /** A public host with a second IP and port, answering STUN as an RFC 5780 server. */
  private static InetSocketAddress observer(SimNetwork network) {
    SimTransport host = network.attach(Keypair.generate());
    InetSocketAddress primary = host.listenAddresses().get(0);
    StunServer.installWithAlternates(host.datagrams(), StunServerAddresses.rfc5780(primary,
        network.nextAddress().getAddress(), primary.getPort() + 1));
    return primary;
  }

  /** Exactly the mix's share of each router kind (rounded), in a seeded random order. */
  private static List<Router> assign(Settings settings, Random random) {
    return assign(settings.nodes(), settings.mix(), random);
  }

  /** Exactly the mix's share of each router kind among {@code nodes} hosts (rounded), in a seeded random order. */
  public static List<Router> assign(int nodes, Map<Router, Double> mix, Random random) {
    List<Router> routers = new ArrayList<>();
    List<Router> kinds = new ArrayList<>(mix.keySet());
    Collections.sort(kinds);
    for (Router kind : kinds) {
      long count = Math.round(mix.get(kind) * nodes);
      for (long c = 0; c < count && routers.size() < nodes; c++) {
        routers.add(kind);
      }
    }
    while (routers.size() < nodes) {
      routers.add(kinds.get(kinds.size() - 1));
    }
    Collections.shuffle(routers, random);
    return routers;
  }

  private static void record(Tally tally, Verdict verdict, long nowMs) {
    Router router = tally.routers.get(verdict.node());
    tally.verdicts++;
    String detected = verdict.reply().isSuccess()
        ? verdict.reply().getValue().type().name().toLowerCase(Locale.ROOT) : "failed";
    tally.confusion.computeIfAbsent(router.label, r -> new TreeMap<>()).merge(detected, 1, Integer::sum);
    if (verdict.reply().isSuccess()) {
      NatType type = verdict.reply().getValue().type();
      if (type == router.expected) {
        tally.correct++;
      }
      if (type == NatType.UNKNOWN) {
        tally.undecided++;
      }
    }
    tally.detectMs.add(nowMs - verdict.startedMs());
  }
}
