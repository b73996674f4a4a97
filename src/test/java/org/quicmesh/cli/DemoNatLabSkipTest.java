package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicmesh.cli.lab.NatLabDemo;
import picocli.CommandLine;

/** Where the NAT lab cannot run, the demo says why and builds nothing. */
class DemoNatLabSkipTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

  @Test
  void theLabStepReportsWhyItIsSkippedAndPrintsNoTable() {
    NatLabDemo step = new NatLabDemo(stream(out), stream(progress), () -> Optional.of("iptables not found"));
    assertEquals(NatLabDemo.Outcome.SKIPPED, step.run("6. "));
    assertEquals("6. NAT lab skipped: iptables not found\n", text(progress));
    assertEquals("", text(out));
  }

  @Test
  void askedForTheLabAloneTheDemoFailsWithTheReason() {
    DemoCommand demo = new DemoCommand(stream(out), stream(progress), () -> Optional.of("not root"));
    assertEquals(1, new CommandLine(demo).execute("--nat-lab", "only"));
    assertTrue(text(progress).contains("NAT lab skipped: not root"), text(progress));
  }

  private static PrintStream stream(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
