package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code quicmesh node --profile P --print-config}: the effective configuration, each value with its origin. */
class PrintConfigTest {

  private record Run(int exit, String out, String err) {}

  private static Run node(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      String[] all = new String[args.length + 1];
      all[0] = "node";
      System.arraycopy(args, 0, all, 1, args.length);
      int exit = Main.run(all);
      return new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void printsTheProfilesValuesAndTheFlagsWithTheirOrigins() {
    Run run = node("--profile", "wan", "--listen", "127.0.0.1:4100", "--print-config");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("wan.conf"), run.out());
    assertTrue(run.out().matches("(?s).*request-timeout\"?\\s*[=:]\\s*\"?10s.*"), run.out());
    assertTrue(run.out().matches("(?s).*listen\"?\\s*[=:]\\s*\"127.0.0.1:4100\".*"), run.out());
    assertTrue(run.out().contains("reference.conf"), run.out());
  }

  @Test
  void anUnknownProfileExitsWithUsageErrorNamingTheProfiles() {
    Run run = node("--profile", "moon", "--print-config");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("local, lan, wan"), run.err());
  }
}
