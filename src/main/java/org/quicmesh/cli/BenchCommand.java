package org.quicmesh.cli;

import java.util.concurrent.Callable;
import org.quicmesh.bench.TransportBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quicmesh bench}: whole-system measurements that anyone can rerun. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark.",
    subcommands = {BenchCommand.Transport.class, BenchCommand.Jmh.class})
final class BenchCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  @Command(name = "transport", mixinStandardHelpOptions = true,
      description = "One-way bulk transfer over one QUIC connection on 127.0.0.1 for message sizes 1 KB .. 100 MB "
          + "(Mbit/s, latency p50/p99), with raw TCP loopback as the machine's reference.")
  static final class Transport implements Callable<Integer> {
    @Option(names = "--quick", description = "Less data per size (about 15 s instead of about a minute).")
    boolean quick;

    @Option(names = "--levers", description = "Also measure the tuning levers (datagram size, buffers).")
    boolean levers;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      TransportBench.Options options = (quick ? TransportBench.Options.quick() : TransportBench.Options.standard())
          .withLevers(levers);
      TransportBench.Result result = TransportBench.run(options, System.err);
      System.out.println(json ? result.json() : result.table());
      return 0;
    }
  }

  @Command(name = "jmh", mixinStandardHelpOptions = true,
      description = "JMH micro-benchmarks of hot code (CodecBench, RoutingTableBench); arguments go to JMH, e.g. "
          + "'CodecBench -f 1 -wi 2 -i 3'.")
  static final class Jmh implements Callable<Integer> {
    @picocli.CommandLine.Unmatched
    java.util.List<String> args = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
      org.openjdk.jmh.Main.main(args.toArray(String[]::new));
      return 0;
    }
  }
}
