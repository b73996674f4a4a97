package org.quicmesh.natlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.cli.lab.NatLab;
import org.quicmesh.cli.lab.NatLabDemo;

/**
 * The NAT-lab step of {@code quicmesh demo}, end to end in a real lab: one connection goes direct, one stays relayed,
 * one moves from the relay to direct when the firewall rule is lifted; the table says so and the lab is gone after.
 */
@Tag("natlab")
@Timeout(180)
class DemoLabTest {

  @Test
  void theDemoShowsADirectARelayedAndAnUpgradedConnectionAndRemovesTheLab() throws Exception {
    LabAssumptions.assumeLabAvailable();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    NatLabDemo.Outcome outcome = new NatLabDemo(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(progress, true, StandardCharsets.UTF_8), NatLab::unavailableReason).run("");
    String table = out.toString(StandardCharsets.UTF_8);
    String steps = progress.toString(StandardCharsets.UTF_8);
    System.out.println(steps + table);

    assertEquals(NatLabDemo.Outcome.PASSED, outcome, steps + table);
    assertRow(table, "direct", "h-symmetric -> h-full", "direct");
    assertRow(table, "relayed", "h-symmetric -> h-port", "relayed");
    Matcher upgrade = assertRow(table, "upgrade", "h-port -> h-full", "direct");
    assertEquals("relayed", upgrade.group(1), "the upgraded connection started on the relay: " + table);
    assertTrue(Integer.parseInt(upgrade.group(2)) >= 1, "the same connection changed path: " + table);

    Matcher lab = Pattern.compile("lab (\\w+) is up").matcher(steps);
    assertTrue(lab.find(), steps);
    assertFalse(namespaces().contains(lab.group(1) + "-"), "every namespace of the lab is removed");
  }

  /** The table row of a pair; groups: 1 first path, 2 path changes. */
  private static Matcher assertRow(String table, String shows, String pair, String path) {
    Matcher row = Pattern.compile("(?m)^" + shows + " +" + Pattern.quote(pair) + " +.+? -> .+? +" + path
        + " +(direct|relayed) +\\d+ +[\\d.]+ +(\\d+) ok$").matcher(table);
    assertTrue(row.find(), shows + " row for " + pair + " on " + path + " in\n" + table);
    return row;
  }

  private static String namespaces() throws IOException, InterruptedException {
    Process list = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
    String text = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    list.waitFor();
    return text;
  }
}
