package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code quicmesh sim ... --json}: stdout holds the JSON alone; progress goes to stderr, with --json only if asked. */
class SimProgressTest {

  /** Lines of stderr that are progress lines ("phase done/total (percent)..."). */
  private static List<String> progressLines(CliRun run) {
    return Arrays.stream(run.err().split("\n")).filter(line -> line.matches("^[a-z ]+ \\d+/\\d+ \\(\\d+%\\).*"))
        .toList();
  }

  private static void assertPureJson(CliRun run) throws Exception {
    assertEquals(0, run.exit(), run.err());
    String[] lines = run.out().strip().split("\n");
    assertEquals(1, lines.length, run.out());
    JsonNode result = Json.MAPPER.readTree(lines[0]);
    assertEquals(200, result.get("nodes").asInt(), lines[0]);
    assertEquals(50, result.get("lookups").asInt(), lines[0]);
  }

  @Test
  void withJsonStdoutIsOneJsonObjectAndStderrHasNoProgress() throws Exception {
    CliRun run = CliRun.of("sim", "dht", "--nodes", "200", "--lookups", "50", "--settle-s", "20", "--json");
    assertPureJson(run);
    assertEquals(List.of(), progressLines(run), run.err());
  }

  @Test
  void withJsonAndProgressStdoutStaysPureAndStderrShowsEachPhase() throws Exception {
    // Joins 50 ms apart: 10 virtual seconds of joining, so the run's 5-second steps see the join phase.
    CliRun run = CliRun.of("sim", "dht", "--nodes", "200", "--lookups", "50", "--settle-s", "20",
        "--join-interval-ms", "50", "--json", "--progress");
    assertPureJson(run);
    List<String> progress = progressLines(run);
    assertTrue(progress.stream().anyMatch(line -> line.startsWith("join ") && line.contains(" left")), run.err());
    assertTrue(progress.stream().anyMatch(line -> line.startsWith("lookups 50/50 (100%), virtual ")), run.err());
    assertTrue(run.err().lines().anyMatch(line -> line.startsWith("settle, virtual ")), run.err());
  }
}
