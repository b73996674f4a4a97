package org.quicmesh.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The target: 1,000 hosts behind a mix of NATs, every one classified correctly within 5 s of virtual time. */
@Tag("sim")
@Timeout(300)
class NatSimulationTest {

  @Test
  void everyHostOfTheMixIsClassifiedCorrectlyAndQuickly() {
    NatSimulation.Result result = NatSimulation.run(new NatSimulation.Settings(1000,
        NatSimulation.Settings.parseMix("none:0.2,full:0.1,restricted:0.1,port:0.4,symmetric:0.2"),
        "uniform:20-200", 1), line -> { });
    System.out.println("sim nat: " + result);
    assertEquals(1.0, result.detectedCorrectRatio(), result.confusion().toString());
    assertEquals(0, result.undecided());
    assertTrue(result.detectMsP95() < 5000, "p95 " + result.detectMsP95() + " ms");
    assertEquals(400, result.confusion().get("port").get("port_restricted_cone"));
  }

  @Test
  void withPeersAloneEveryHostOfTheMixIsClassifiedCorrectly() {
    NatSimulation.Result result = NatSimulation.run(new NatSimulation.Settings(100,
        NatSimulation.Settings.parseMix("none:0.2,full:0.1,restricted:0.1,port:0.4,symmetric:0.2"),
        "uniform:20-200", 1, NatSimulation.Observers.MESH), line -> { });
    System.out.println("sim nat --observers mesh: " + result);
    assertEquals(1.0, result.detectedCorrectRatio(), result.confusion().toString());
    assertEquals(10, result.confusion().get("restricted").get("restricted_cone"), "filtering came from dial-backs");
  }

  @Test
  void aMixMustAddUpToOne() {
    var error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> NatSimulation.Settings.parseMix("none:0.5,full:0.1"));
    assertTrue(error.getMessage().contains("add up to 1"), error.getMessage());
  }
}
