package org.quicmesh.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.quicmesh.simulation.ConnectSimulation;
import org.quicmesh.simulation.NatSimulation;
import org.quicmesh.simulation.PingSimulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quicmesh sim}: whole networks of real node behaviors in one JVM, on virtual time. */
@Command(name = "sim", mixinStandardHelpOptions = true,
    description = "Run a simulated network of nodes in virtual time (deterministic for a seed).",
    subcommands = {SimCommand.Ping.class, SimCommand.Dht.class, SimCommand.Gossip.class, SimCommand.Store.class,
        SimCommand.Nat.class, SimCommand.Connect.class})
final class SimCommand extends CommandGroup {

  @Command(name = "ping", mixinStandardHelpOptions = true,
      description = "N nodes each ping a random other node every interval; reports RTTs, counts, heap, wall time.")
  static final class Ping implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    SimOptions sim = new SimOptions();

    @Option(names = "--nodes", defaultValue = "1000", description = "Nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--seconds", defaultValue = "60", description = "Virtual seconds (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--interval-ms", defaultValue = "1000", description = "Ping interval per node in ms.")
    int intervalMs;

    @Override
    public Integer call() {
      if (nodes < 2) {
        System.err.println("--nodes must be at least 2");
        return 2;
      }
      PingSimulation.Result result = PingSimulation.run(new PingSimulation.Settings(nodes,
          Duration.ofSeconds(seconds), Duration.ofMillis(intervalMs), sim.latency, sim.seed), sim.progress());
      sim.print(result, () -> String.format(
          "nodes %d, %d virtual s: %d pings, %d ok, %d failed; rtt p50 %.1f ms, p95 %.1f ms; heap %d B/node; "
              + "wall %.1f s", result.nodes(), result.virtualSeconds(), result.pingsSent(), result.pingsOk(),
          result.pingsFailed(), result.rttMsP50(), result.rttMsP95(), result.heapBytesPerNode(), result.wallS()));
      return result.pingsFailed() == 0 ? 0 : 1;
    }
  }

  @Command(name = "dht", mixinStandardHelpOptions = true,
      description = "N nodes join a Kademlia DHT one by one, then M lookups of random targets are scored against "
          + "the true 20 closest live nodes; prints success, accuracy, rounds, messages, latency, heap, wall time.")
  static final class Dht implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    SimOptions sim = new SimOptions();

    @Option(names = "--nodes", defaultValue = "1000", description = "Nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--lookups", defaultValue = "1000", description = "Lookups (default: ${DEFAULT-VALUE}).")
    int lookups;

    @Option(names = "--churn", defaultValue = "0",
        description = "Fraction of nodes replaced per minute during the lookups (default: ${DEFAULT-VALUE}).")
    double churn;

    @Option(names = "--dead", defaultValue = "0",
        description = "Fraction of nodes that crash silently before the lookups (default: ${DEFAULT-VALUE}).")
    double dead;

    @Option(names = "--concurrency", defaultValue = "10", description = "Lookups in flight at once.")
    int concurrency;

    @Option(names = "--join-interval-ms", defaultValue = "20", description = "Virtual time between joins.")
    int joinIntervalMs;

    @Option(names = "--settle-s", defaultValue = "60", description = "Virtual seconds between the last join and "
        + "the first lookup.")
    int settleS;

    @Override
    public Integer call() {
      if (nodes < 2 || dead < 0 || dead >= 1 || churn < 0) {
        System.err.println("need --nodes >= 2, 0 <= --dead < 1, --churn >= 0");
        return 2;
      }
      var result = org.quicmesh.simulation.DhtSimulation.run(new org.quicmesh.simulation.DhtSimulation.Settings(
          nodes, lookups, churn, dead, sim.latency, sim.seed, concurrency, Duration.ofMillis(joinIntervalMs),
          Duration.ofSeconds(settleS), sim.settingOverrides()), sim.progress());
      return sim.print(result, () -> String.format(
          "nodes %d, lookups %d: success %.3f, accuracy mean %.3f (min %.2f), rounds p50 %.0f p95 %.0f, "
                + "%.1f msgs/lookup, latency p50 %.0f ms p95 %.0f ms max %.0f ms (median link RTT %.0f ms), "
                + "heap %d B/node, wall %.1f s", result.nodes(), result.lookups(), result.successRate(),
            result.accuracyMean(), result.accuracyMin(), result.roundsP50(), result.roundsP95(),
            result.messagesPerLookup(), result.latencyMsP50(), result.latencyMsP95(), result.latencyMsMax(),
            result.medianLinkRttMs(), result.heapBytesPerNode(), result.wallS()));
    }
  }

  @Command(name = "store", mixinStandardHelpOptions = true,
      description = "Values under churn: N nodes join, V values are put from random nodes, then every 20 virtual "
          + "minutes a fraction of each value's holders crash and J nodes join, with 40 gets per value per round; "
          + "prints get success, live holders after each crash wave (min, median) against k, replication traffic.")
  static final class Store implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    SimOptions sim = new SimOptions();

    @Option(names = "--nodes", defaultValue = "60", description = "Nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--values", defaultValue = "2", description = "Values put (default: ${DEFAULT-VALUE}).")
    int values;

    @Option(names = "--hours", defaultValue = "8", description = "Virtual hours of churn (default: ${DEFAULT-VALUE}).")
    double hours;

    @Option(names = "--churn-holders", defaultValue = "0.25",
        description = "Fraction of each value's current holders that crash every round (default: ${DEFAULT-VALUE}).")
    double churnHolders;

    @Option(names = "--joins-per-round", defaultValue = "5",
        description = "New nodes joining every round (default: ${DEFAULT-VALUE}).")
    int joinsPerRound;

    @Option(names = "--publisher-leaves", description = "Each value's publisher crashes right after its put.")
    boolean publisherLeaves;

    @Override
    public Integer call() {
      if (nodes < 2 || values < 1 || values > nodes || hours <= 0 || churnHolders < 0 || churnHolders >= 1
          || joinsPerRound < 0) {
        System.err.println("need --nodes >= 2, 1 <= --values <= --nodes, --hours > 0, 0 <= --churn-holders < 1, "
            + "--joins-per-round >= 0");
        return 2;
      }
      var r = org.quicmesh.simulation.StoreSimulation.run(org.quicmesh.simulation.StoreSimulation.Settings.of(
          nodes, values, hours, churnHolders, joinsPerRound, publisherLeaves, sim.latency, sim.seed,
          sim.settingOverrides()), sim.progress());
      return sim.print(r, () -> String.format(
          "nodes %d (live min %d, end %d), values %d, %d rounds: gets %d, success %.4f; holders after each crash "
                + "wave min %d, p50 %.0f (k %d); replicas at put %d; replication %.1f msgs/node/hour; wall %.1f s",
            r.nodes(), r.liveNodesMin(), r.liveNodesEnd(), r.values(), r.rounds(), r.gets(), r.getSuccessRatio(),
            r.holdersMin(), r.holdersP50(), r.k(), r.replicasAtPut(), r.republishMsgsPerNodeHour(), r.wallS()));
    }
  }

  @Command(name = "gossip", mixinStandardHelpOptions = true,
      description = "N nodes join, all subscribe to one topic, M messages are published from random nodes at a fixed "
          + "rate; prints delivery ratio, latency (vs the best path over the overlay), hops, duplicates and control "
          + "bytes per delivery, heap, wall time.")
  static final class Gossip implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    SimOptions sim = new SimOptions();

    @Option(names = "--nodes", defaultValue = "1000", description = "Nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--publishes", defaultValue = "100", description = "Messages published (default: "
        + "${DEFAULT-VALUE}).")
    int publishes;

    @Option(names = "--loss", defaultValue = "0",
        description = "From the publish phase on, fraction of RPCs and of stream messages (data and control, each "
            + "at the receiving end of its link) that are lost (default: ${DEFAULT-VALUE}).")
    double loss;

    @Option(names = "--crash", defaultValue = "0",
        description = "Fraction of nodes that crash silently before the middle publish; delivery is then counted to "
            + "survivors (default: ${DEFAULT-VALUE}).")
    double crash;

    @Option(names = "--rate", defaultValue = "10", description = "Publishes per virtual second (default: "
        + "${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--size", defaultValue = "64", description = "Payload bytes (at least 8; default: "
        + "${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--join-interval-ms", defaultValue = "20", description = "Virtual time between joins.")
    int joinIntervalMs;

    @Option(names = "--settle-s", defaultValue = "30", description = "Virtual seconds between the last join and "
        + "the subscriptions.")
    int settleS;

    @Override
    public Integer call() {
      if (nodes < 2 || publishes < 1 || loss < 0 || loss >= 1 || crash < 0 || crash >= 1 || rate <= 0 || size < 8) {
        System.err.println("need --nodes >= 2, --publishes >= 1, 0 <= --loss < 1, 0 <= --crash < 1, --rate > 0, "
            + "--size >= 8");
        return 2;
      }
      var settings = new org.quicmesh.simulation.GossipSimulation.Settings(nodes, publishes, loss, crash, sim.latency,
          sim.seed, rate, size, Duration.ofMillis(joinIntervalMs), Duration.ofSeconds(settleS), Duration.ofSeconds(5),
          Duration.ofSeconds(5), sim.settingOverrides());
      var r = org.quicmesh.simulation.GossipSimulation.run(settings, sim.progress());
      return sim.print(r, () -> String.format(
          "nodes %d (%d survivors), publishes %d (%d failed): delivery %.4f (after crash heartbeat "
                + "%.4f), latency p50 %.0f ms p95 %.0f ms max %.0f ms (best path p95 %.0f ms, ratio %.2f; direct "
                + "p95 %.0f ms), hops p50 %.0f p95 %.0f, %.2f duplicates and %.0f control bytes per delivery, "
                + "heap %d B/node, wall %.1f s", r.nodes(), r.survivors(), r.publishes(), r.publishFailures(),
            r.deliveryRatio(), r.deliveryRatioAfterCrashHeartbeat(), r.latencyMsP50(), r.latencyMsP95(),
            r.latencyMsMax(), r.bestPathLatencyMsP95(), r.latencyRatioP95(), r.directLatencyMsP95(), r.hopsP50(),
            r.hopsP95(), r.duplicatesPerDelivery(), r.controlBytesPerDelivery(), r.heapBytesPerNode(), r.wallS()));
    }
  }

  @Command(name = "connect", mixinStandardHelpOptions = true,
      description = "Public relays and N hosts behind routers of the mix; random pairs of hosts connect by NodeId "
          + "(direct, else through a relay, then hole punching); prints the share connected, the share direct against "
          + "the share that could be, the time until connect answered (virtual) and the relays' load.")
  static final class Connect implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    SimOptions sim = new SimOptions();

    @picocli.CommandLine.Mixin
    NatHostsOptions hosts = new NatHostsOptions();

    @Option(names = "--connects", defaultValue = "1000", description = "Connections made (default: ${DEFAULT-VALUE}).")
    int connects;

    @Override
    public Integer call() {
      if (hosts.nodes < 2 || connects < 1) {
        System.err.println("--nodes must be at least 2 and --connects at least 1");
        return 2;
      }
      ConnectSimulation.Result result = ConnectSimulation.run(new ConnectSimulation.Settings(hosts.nodes,
          NatSimulation.Settings.parseMix(hosts.mix), connects, sim.latency, sim.seed), sim.progress());
      sim.print(result, () -> String.format(
          "nodes %d, relays %d, connects %d: %.4f connected, %.4f direct at the end, %.4f direct at some point (%.4f "
              + "could be); connect answered p50 %.0f ms, p95 %.0f ms (virtual); %d upgraded to direct; at most %d "
              + "connections through one relay; wall %.1f s",
          result.nodes(), result.relays(), result.connects(), result.connectSuccessRatio(), result.directRatio(),
          result.directReachedRatio(), result.directFeasibleRatio(), result.timeToFirstByteMsP50(), result.timeToFirstByteMsP95(),
          result.upgrades(), result.relaySessionsMaxPerRelay(), result.wallS()));
      return result.connectSuccessRatio() == 1.0 ? 0 : 1;
    }
  }

  @Command(name = "nat", mixinStandardHelpOptions = true,
      description = "N hosts, each behind a router of the mix, classify their NAT against two RFC 5780 observers "
          + "with the node's own detector, or (--observers mesh) as nodes of a mesh with peers alone; prints the share classified correctly, the confusion counts and how long "
          + "detection took (virtual time).")
  static final class Nat implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    SimOptions sim = new SimOptions();

    @picocli.CommandLine.Mixin
    NatHostsOptions hosts = new NatHostsOptions();

    @Option(names = "--observers", defaultValue = "rfc5780",
        description = "rfc5780: two public two-address STUN servers; mesh: whole nodes in a mesh of public nodes, no "
            + "STUN server (peers and their dial-backs) (default: ${DEFAULT-VALUE}).")
    String observers;

    @Override
    public Integer call() {
      if (hosts.nodes < 1) {
        System.err.println("--nodes must be at least 1");
        return 2;
      }
      NatSimulation.Observers kind;
      try {
        kind = NatSimulation.Observers.of(observers);
      } catch (IllegalArgumentException e) {
        System.err.println("--observers must be rfc5780 or mesh");
        return 2;
      }
      NatSimulation.Result result = NatSimulation.run(new NatSimulation.Settings(hosts.nodes,
          NatSimulation.Settings.parseMix(hosts.mix), sim.latency, sim.seed, kind), sim.progress());
      sim.print(result, () -> String.format(
          "nodes %d: %.4f classified correctly (%d undecided, %d asked again); detection p50 %.0f ms, p95 %.0f ms, max %.0f ms "
              + "(virtual); confusion %s; wall %.1f s", result.nodes(), result.detectedCorrectRatio(),
          result.undecided(), result.retries(), result.detectMsP50(), result.detectMsP95(), result.detectMsMax(), result.confusion(),
          result.wallS()));
      return result.detectedCorrectRatio() == 1.0 ? 0 : 1;
    }
  }
}
