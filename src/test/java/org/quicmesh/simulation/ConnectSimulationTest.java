package org.quicmesh.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The targets at a size CI affords (`quicmesh sim connect --nodes 1000 --connects 1000` runs the full one):
 * every connect by NodeId succeeds, and every pair whose NATs allow a direct path reaches one.
 */
@Tag("sim")
@Timeout(300)
class ConnectSimulationTest {

  @Test
  void everyPairConnectsAndEveryPairThatCanGoDirectDoes() {
    ConnectSimulation.Result result = ConnectSimulation.run(new ConnectSimulation.Settings(200,
        NatSimulation.Settings.parseMix("none:0.2,full:0.1,restricted:0.1,port:0.4,symmetric:0.2"), 200,
        "uniform:20-200", 1), line -> { });
    System.out.println("sim connect: " + result);
    assertEquals(1.0, result.connectSuccessRatio(), result.failures().toString());
    assertEquals(result.directFeasibleRatio(), result.directReachedRatio(), 1e-9,
        "relayed though feasible: " + result.relayedThoughFeasible());
    assertTrue(result.upgrades() > 0, "relayed connections were upgraded by hole punching");
    assertTrue(result.relayedThoughFeasible().keySet().stream().allMatch(k -> k.endsWith("(relay faster)")),
        result.relayedThoughFeasible().toString());
  }
}
