package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code quicmesh node --profile P --print-config}: the effective configuration, each value with its origin. */
class PrintConfigTest {

  private static CliRun node(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "node";
    System.arraycopy(args, 0, all, 1, args.length);
    return CliRun.of(all);
  }

  @Test
  void printsTheProfilesValuesAndTheFlagsWithTheirOrigins() {
    CliRun run = node("--profile", "wan", "--listen", "127.0.0.1:4100", "--print-config");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("wan.conf"), run.out());
    assertTrue(run.out().matches("(?s).*request-timeout\"?\\s*[=:]\\s*\"?10s.*"), run.out());
    assertTrue(run.out().matches("(?s).*listen\"?\\s*[=:]\\s*\"127.0.0.1:4100\".*"), run.out());
    assertTrue(run.out().contains("reference.conf"), run.out());
  }

  @Test
  void anUnknownProfileExitsWithUsageErrorNamingTheProfiles() {
    CliRun run = node("--profile", "moon", "--print-config");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("local, lan, wan"), run.err());
  }
}
