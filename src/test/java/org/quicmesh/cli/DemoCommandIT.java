package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class DemoCommandIT {

  @Test
  void demoMeshOfThreeQuicNodesSucceeds() {
    assertEquals(0, Main.run("demo", "--nodes", "3"));
  }

  @Test
  void helpExitsZeroAndBadArgumentsDoNot() {
    assertEquals(0, Main.run("--help"));
    assertEquals(0, Main.run("node", "--help"));
    assertEquals(2, Main.run("demo", "--nodes", "1"));
  }
}
