package org.quicmesh.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("sim")
class PingSimulationTest {

  private static PingSimulation.Result run(int nodes, long seed) {
    return PingSimulation.run(new PingSimulation.Settings(nodes, Duration.ofSeconds(60), Duration.ofSeconds(1),
        "uniform:20-200", seed), line -> { });
  }

  @Test
  void thousandNodesPingForSixtyVirtualSecondsWithRttsFromTheLinkModel() {
    PingSimulation.Result result = run(1000, 1);
    System.out.println("1000-node ping simulation: " + result);
    assertEquals(60_000, result.pingsSent());
    assertEquals(result.pingsSent(), result.pingsOk());
    assertTrue(result.rttMsP50() >= 20 && result.rttMsP50() <= 200, "p50 " + result.rttMsP50());
    assertTrue(result.rttMsMax() <= 201, "max " + result.rttMsMax());
    assertTrue(result.wallS() < 120, "wall " + result.wallS());
  }

  @Test
  void sameSeedGivesIdenticalRunsAndAnotherSeedDoesNot() {
    PingSimulation.Result a = run(200, 7);
    PingSimulation.Result b = run(200, 7);
    PingSimulation.Result c = run(200, 8);
    assertEquals(a.digest(), b.digest());
    assertEquals(a.rttMsP50(), b.rttMsP50());
    assertNotEquals(a.digest(), c.digest());
  }
}
