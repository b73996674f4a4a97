package org.quicmesh.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code quicmesh} command line. */
@Command(
    name = "quicmesh",
    mixinStandardHelpOptions = true,
    version = "quicmesh 0.1.0",
    description = "Adaptive peer-to-peer mesh over QUIC: run a node, a local demo mesh, simulations, benchmarks.",
    subcommands = {NodeCommand.class, DemoCommand.class, SimCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
