package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code quicmesh sim ... --json}: stdout holds the JSON alone; progress goes to stderr, with --json only if asked. */
class SimProgressTest {

  private record Run(int exit, String out, String err) {
    List<String> progressLines() {
      return Arrays.stream(err.split("\n")).filter(line -> line.matches("^[a-z ]+ \\d+/\\d+ \\(\\d+%\\).*"))
          .toList();
    }
  }

  private static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      return new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private static void assertPureJson(Run run) throws Exception {
    assertEquals(0, run.exit(), run.err());
    String[] lines = run.out().strip().split("\n");
    assertEquals(1, lines.length, run.out());
    JsonNode result = Json.MAPPER.readTree(lines[0]);
    assertEquals(200, result.get("nodes").asInt(), lines[0]);
    assertEquals(50, result.get("lookups").asInt(), lines[0]);
  }

  @Test
  void withJsonStdoutIsOneJsonObjectAndStderrHasNoProgress() throws Exception {
    Run run = run("sim", "dht", "--nodes", "200", "--lookups", "50", "--settle-s", "20", "--json");
    assertPureJson(run);
    assertEquals(List.of(), run.progressLines(), run.err());
  }

  @Test
  void withJsonAndProgressStdoutStaysPureAndStderrShowsEachPhase() throws Exception {
    // Joins 50 ms apart: 10 virtual seconds of joining, so the run's 5-second steps see the join phase.
    Run run = run("sim", "dht", "--nodes", "200", "--lookups", "50", "--settle-s", "20", "--join-interval-ms", "50",
        "--json", "--progress");
    assertPureJson(run);
    List<String> progress = run.progressLines();
    assertTrue(progress.stream().anyMatch(line -> line.startsWith("join ") && line.contains(" left")), run.err());
    assertTrue(progress.stream().anyMatch(line -> line.startsWith("lookups 50/50 (100%), virtual ")), run.err());
    assertTrue(run.err().lines().anyMatch(line -> line.startsWith("settle, virtual ")), run.err());
  }
}
