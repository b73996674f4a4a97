package org.quicmesh.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/**
 * {@code --progress} (a picocli mixin) for the long commands: their progress lines go to stderr, except with
 * {@code --json}, where a script reading the JSON on stdout wants a quiet stderr unless it asks for them.
 */
final class ProgressOption {
  @Option(names = "--progress", description = "Print progress lines on stderr even with --json (without --json "
      + "they are always printed).")
  boolean progress;

  /** Whether the command's progress is shown, given whether it prints JSON. */
  boolean shown(boolean json) {
    return !json || progress;
  }

  /** Where the command's progress lines go, given whether it prints JSON. */
  PrintStream stream(boolean json) {
    return shown(json) ? System.err : new PrintStream(OutputStream.nullOutputStream());
  }
}
