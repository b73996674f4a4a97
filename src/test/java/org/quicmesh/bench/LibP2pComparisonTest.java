package org.quicmesh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class LibP2pComparisonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void eachFigureIsSetBesideTheOtherWithTheRatioOursOverTheirs() throws Exception {
    JsonNode ours = JSON.readTree("{\"lookup\":{\"p50_ms\":50,\"success_rate\":1.0},\"cpu_ms_per_delivery\":1.0}");
    JsonNode theirs = JSON.readTree("{\"lookup\":{\"p50_ms\":500,\"success_rate\":0.5},\"cpu_ms_per_delivery\":0}");

    List<LibP2pComparison.Row> rows = LibP2pComparison.compare(ours, theirs);

    LibP2pComparison.Row p50 = row(rows, "lookup.p50_ms");
    assertEquals(0.1, p50.ratio(), 1e-9);
    assertEquals("lower", p50.better());
    assertEquals(2.0, row(rows, "lookup.success_rate").ratio(), 1e-9);
    assertNull(row(rows, "cpu_ms_per_delivery").ratio(), "no ratio over a zero");
    LibP2pComparison.Row missing = row(rows, "gossip.p95_ms");
    assertNull(missing.ours());
    assertNull(missing.ratio());
    String table = LibP2pComparison.table(rows, "quicmesh", "js-libp2p");
    assertTrue(table.lines().anyMatch(l -> l.startsWith("lookup.p50_ms") && l.contains("0.100")), table);
  }

  @Test
  void theHarnessesLastStdoutLineIsItsResult(@TempDir Path dir) throws Exception {
    Path runSh = dir.resolve("run.sh");
    Files.writeString(runSh, "echo progress >&2\necho '{\"partial\":1}'\necho \"{\\\"impl\\\":\\\"js-libp2p\\\","
        + "\\\"args\\\":\\\"$*\\\"}\"\n");

    JsonNode result = LibP2pComparison.runHarness(runSh, 20, 7, 9);

    assertEquals("js-libp2p", result.get("impl").asText());
    assertEquals("--n=20 --lookups=7 --publishes=9 --drain-ms=5000 --transport=quic", result.get("args").asText());
  }

  @Test
  void aMissingOrSilentHarnessIsReportedClearly(@TempDir Path dir) throws Exception {
    IOException missing = assertThrows(IOException.class,
        () -> LibP2pComparison.runHarness(dir.resolve("absent.sh"), 20, 1, 1));
    assertTrue(missing.getMessage().contains("not at"), missing.getMessage());
    Path silent = dir.resolve("silent.sh");
    Files.writeString(silent, "exit 3\n");
    IOException noJson = assertThrows(IOException.class, () -> LibP2pComparison.runHarness(silent, 20, 1, 1));
    assertTrue(noJson.getMessage().contains("exited with 3"), noJson.getMessage());
  }

  private static LibP2pComparison.Row row(List<LibP2pComparison.Row> rows, String figure) {
    return rows.stream().filter(r -> r.figure().equals(figure)).findFirst().orElseThrow();
  }
}
