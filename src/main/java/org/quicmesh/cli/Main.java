package org.quicmesh.cli;

import org.slf4j.LoggerFactory;
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
public final class Main extends CommandGroup {

  /** The CLI's logging setup, inside the jar but off Logback's default lookup path (so embedders never see it). */
  static final String LOGBACK_CONFIG = "org/quicmesh/cli/logback.xml";

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    // Initialise SLF4J here, on one thread, before Pekko and Netty log from theirs: a logging call racing the
    // initialisation is what made SLF4J print its "calls ... are now being replayed" warning at every start.
    LoggerFactory.getILoggerFactory();
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }
}
