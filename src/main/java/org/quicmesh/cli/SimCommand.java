package org.quicmesh.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.quicmesh.simulation.PingSimulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quicmesh sim}: whole networks of real node behaviors in one JVM, on virtual time. */
@Command(name = "sim", mixinStandardHelpOptions = true,
    description = "Run a simulated network of nodes in virtual time (deterministic for a seed).",
    subcommands = {SimCommand.Ping.class})
final class SimCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  @Command(name = "ping", mixinStandardHelpOptions = true,
      description = "N nodes each ping a random other node every interval; reports RTTs, counts, heap, wall time.")
  static final class Ping implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "1000", description = "Nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--seconds", defaultValue = "60", description = "Virtual seconds (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--interval-ms", defaultValue = "1000", description = "Ping interval per node in ms.")
    int intervalMs;

    @Option(names = "--latency", defaultValue = "uniform:20-200",
        description = "Link RTT model: constant:MS or uniform:MIN-MAX (default: ${DEFAULT-VALUE}).")
    String latency;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      if (nodes < 2) {
        System.err.println("--nodes must be at least 2");
        return 2;
      }
      PingSimulation.Result result = PingSimulation.run(new PingSimulation.Settings(nodes,
          Duration.ofSeconds(seconds), Duration.ofMillis(intervalMs), latency, seed), System.err::println);
      if (json) {
        System.out.println(Json.line(result));
      } else {
        System.out.printf("nodes %d, %d virtual s: %d pings, %d ok, %d failed; rtt p50 %.1f ms, p95 %.1f ms; "
                + "heap %d B/node; wall %.1f s%n", result.nodes(), result.virtualSeconds(), result.pingsSent(),
            result.pingsOk(), result.pingsFailed(), result.rttMsP50(), result.rttMsP95(),
            result.heapBytesPerNode(), result.wallS());
      }
      return result.pingsFailed() == 0 ? 0 : 1;
    }
  }
}
