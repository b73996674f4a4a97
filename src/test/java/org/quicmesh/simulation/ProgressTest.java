package org.quicmesh.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress reporter: its lines, its estimate of the time left, and how often it speaks. */
class ProgressTest {

  private final List<String> lines = new ArrayList<>();
  private long wallNanos;
  private final Progress progress = new Progress(lines::add, () -> wallNanos);

  private void wallPasses(Duration duration) {
    wallNanos += duration.toNanos();
  }

  @Test
  void aLineSaysThePhaseTheCountsVirtualAndWallTimeAndTheDetail() {
    wallPasses(Duration.ofMillis(2500));
    progress.report(Progress.Status.of("lookups", 420, 1000).with("400 succeeded"), 95_000);
    assertEquals(List.of("lookups 420/1000 (42%), virtual 95 s, wall 2.5 s, about 3.5 s left: 400 succeeded"), lines);
  }

  @Test
  void theEstimateIsTheRestOfThePhaseAtTheRateSoFar() {
    progress.report(Progress.Status.of("join", 0, 1000), 0);
    wallPasses(Duration.ofSeconds(10));
    progress.report(Progress.Status.of("join", 250, 1000), 5_000);
    // 250 in 10 s: the 750 left take 30 s.
    assertEquals("join 250/1000 (25%), virtual 5.0 s, wall 10 s, about 30 s left", lines.get(1));
  }

  @Test
  void aPhaseFirstSeenPartDoneCountsAsBegunAtTheReportBefore() {
    wallPasses(Duration.ofSeconds(3));
    progress.report(Progress.Status.of("settle", 0, 0), 0);
    wallPasses(Duration.ofSeconds(2));
    progress.report(Progress.Status.of("lookups", 100, 500), 0);
    // 100 in the 2 s since the settle report: 400 more take 8 s.
    assertTrue(lines.get(1).endsWith("about 8.0 s left"), lines.get(1));
  }

  @Test
  void theRateIsTheCurrentPhasesNotTheWholeRuns() {
    progress.report(Progress.Status.of("join", 0, 100), 0);
    wallPasses(Duration.ofMinutes(10));
    progress.report(Progress.Status.of("join", 100, 100), 0);
    progress.report(Progress.Status.of("lookups", 0, 100), 0);
    wallPasses(Duration.ofSeconds(2));
    progress.report(Progress.Status.of("lookups", 50, 100), 0);
    assertTrue(lines.get(3).contains("about 2.0 s left"), lines.get(3));
  }

  @Test
  void noEstimateBeforeAnythingIsDoneNorForAPhaseWithoutACount() {
    progress.report(Progress.Status.of("join", 0, 100), 0);
    progress.report(Progress.Status.of("settle", 0, 0), 0);
    wallPasses(Duration.ofSeconds(20));
    progress.report(Progress.Status.of("settle", 0, 0), 60_000);
    assertEquals(3, lines.size(), lines.toString());
    lines.forEach(line -> assertTrue(!line.contains("left"), line));
  }

  @Test
  void atMostOneLineASecondOfWallTime() {
    progress.report(Progress.Status.of("lookups", 0, 1000), 0);
    for (int i = 1; i < 100; i++) {
      wallPasses(Duration.ofMillis(100));
      progress.report(Progress.Status.of("lookups", i * 5, 1000), i * 1000L);
    }
    // 9.9 s of wall time: the phase's first line and one a second after it.
    assertEquals(10, lines.size(), lines.toString());
  }

  @Test
  void withoutAnotherPercentDoneOnlyAHeartbeatEveryTenSeconds() {
    progress.report(Progress.Status.of("publish", 0, 100_000), 0);
    for (int i = 1; i <= 30; i++) {
      wallPasses(Duration.ofSeconds(1));
      progress.report(Progress.Status.of("publish", i, 100_000), i * 1000L);
    }
    assertEquals(4, lines.size(), lines.toString());
  }

  @Test
  void aNewPhaseAndACompletedPhaseAreAlwaysShownOnce() {
    progress.report(Progress.Status.of("join", 0, 10), 0);
    progress.report(Progress.Status.of("join", 10, 10), 0);
    progress.report(Progress.Status.of("join", 10, 10), 0);
    progress.report(Progress.Status.of("lookups", 0, 10), 0);
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(lines.get(1).startsWith("join 10/10 (100%)"), lines.get(1));
    assertTrue(lines.get(2).startsWith("lookups 0/10"), lines.get(2));
  }

  @Test
  void runsWithoutVirtualTimeLeaveItOut() {
    wallPasses(Duration.ofMinutes(3));
    progress.report(Progress.Status.of("gossip", 5, 10), Progress.NO_VIRTUAL_TIME);
    assertEquals(List.of("gossip 5/10 (50%), wall 3 min, about 3 min left"), lines);
  }

  @Test
  void aSimulationReportsItsPhaseThroughIt() {
    List<String> seen = new ArrayList<>();
    PingSimulation.Result result = PingSimulation.run(new PingSimulation.Settings(5, Duration.ofSeconds(20),
        Duration.ofSeconds(1), "constant:20", 1), seen::add);
    assertEquals(100, result.pingsSent());
    assertTrue(seen.stream().anyMatch(line -> line.startsWith("ping 20/20 (100%), virtual 20 s")), seen.toString());
  }
}
