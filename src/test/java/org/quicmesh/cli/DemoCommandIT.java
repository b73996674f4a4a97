package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@Tag("integration")
class DemoCommandIT {

  /** The NAT lab is made unavailable here (the natlab-tagged DemoLabTest runs it): the demo says why and succeeds. */
  @Test
  void demoMeshOfThreeQuicNodesSucceedsAndSaysWhyTheNatLabIsSkipped() {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    DemoCommand demo = new DemoCommand(System.out, new PrintStream(progress, true, StandardCharsets.UTF_8),
        () -> Optional.of("not root"));
    assertEquals(0, new CommandLine(demo).execute("--nodes", "3"), progress.toString(StandardCharsets.UTF_8));
    assertTrue(progress.toString(StandardCharsets.UTF_8).contains("6. NAT lab skipped: not root"),
        progress.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpExitsZeroAndBadArgumentsDoNot() {
    assertEquals(0, Main.run("--help"));
    assertEquals(0, Main.run("node", "--help"));
    assertEquals(2, Main.run("demo", "--nodes", "1"));
    assertEquals(2, Main.run("demo", "--nat-lab", "sometimes"));
  }
}
