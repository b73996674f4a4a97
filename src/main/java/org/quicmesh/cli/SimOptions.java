package org.quicmesh.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** The options every {@code quicmesh sim} scenario shares (a picocli mixin). */
final class SimOptions {
  @Option(names = "--latency", defaultValue = "uniform:20-200",
      description = "Link RTT model: constant:MS, uniform:MIN-MAX (each pair drawn at random) or geo:MIN-MAX "
          + "(hosts on a map: no detour is faster than the direct link) (default: ${DEFAULT-VALUE}).")
  String latency;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a node setting, e.g. --set quicmesh.dht.lookup-final-burst=false (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @picocli.CommandLine.Mixin
  ProgressOption progressOption = new ProgressOption();

  /** Prints a scenario's result, as one JSON object with {@code --json}, else as the line {@code table} gives. */
  int print(Object result, Supplier<String> table) {
    System.out.println(json ? Json.line(result) : table.get());
    return 0;
  }

  /** Where the scenario's progress lines go: stderr, unless {@code --json} without {@code --progress}. */
  Consumer<String> progress() {
    return progressOption.stream(json)::println;
  }

  /** The overrides as the simulations take them. */
  Map<String, Object> settingOverrides() {
    return new LinkedHashMap<>(overrides);
  }
}
