package org.quicmesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code quicmesh bench compare}: runs the js-libp2p harness (its {@code run.sh}, which prints one JSON object on its
 * last stdout line) and sets its figures beside ours, field by field, with the ratio us/libp2p.
 */
public final class LibP2pComparison {
  /** Where the harness lives, relative to the project root (the shared bench directory beside the checkouts). */
  public static final Path DEFAULT_HARNESS = Path.of("..", "shared", "bench", "libp2p-peer", "run.sh");

  /** A compared figure: its JSON path in both objects, and whether lower or higher is better. */
  private record Figure(String path, String better) {}

  private static final List<Figure> FIGURES = List.of(
      new Figure("setup_s", "lower"),
      new Figure("lookup.count", "higher"),
      new Figure("lookup.success_rate", "higher"),
      new Figure("lookup.accuracy_mean", "higher"),
      new Figure("lookup.p50_ms", "lower"),
      new Figure("lookup.p95_ms", "lower"),
      new Figure("gossip.delivery_ratio", "higher"),
      new Figure("gossip.p50_ms", "lower"),
      new Figure("gossip.p95_ms", "lower"),
      new Figure("gossip.max_ms", "lower"),
      new Figure("gossip.duplicates_per_delivery", "lower"),
      new Figure("rss_mb_per_node", "lower"),
      new Figure("heap_mb_per_node", "lower"),
      new Figure("idle_cpu_pct_of_core", "lower"),
      new Figure("cpu_ms_per_delivery", "lower"));

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One figure: our value, theirs, and ours / theirs (null where either is missing or theirs is 0). */
  public record Row(String figure, String better, Double ours, Double theirs, Double ratio) {}

  private LibP2pComparison() {}

  /**
   * Runs the harness with the same node count, lookups and publishes, over QUIC; its progress goes to our stderr.
   *
   * @throws IOException when the harness is missing, fails, or prints no JSON
   */
  public static JsonNode runHarness(Path runSh, int nodes, int lookups, int publishes)
      throws IOException, InterruptedException {
    return runHarness(runSh, nodes, lookups, publishes, MeshBench.DRAIN, ProcessBuilder.Redirect.INHERIT);
  }

  /**
   * As above, waiting {@code drain} after the last publish (its DRAIN_MS), the harness's progress (its stderr) going to
   * {@code progress} (DISCARD: a quiet run).
   */
  public static JsonNode runHarness(Path runSh, int nodes, int lookups, int publishes, java.time.Duration drain,
      ProcessBuilder.Redirect progress) throws IOException, InterruptedException {
    if (!Files.isRegularFile(runSh)) {
      throw new IOException("the js-libp2p harness is not at " + runSh.toAbsolutePath().normalize()
          + " (pass --libp2p PATH/run.sh; it needs node and npm)");
    }
    Process process = new ProcessBuilder("bash", runSh.toString(), "--n=" + nodes, "--lookups=" + lookups,
        "--publishes=" + publishes, "--drain-ms=" + drain.toMillis(), "--transport=quic")
        .redirectError(progress)
        .start();
    String last = null;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (!line.isBlank()) {
          last = line;
        }
      }
    }
    int exit = process.waitFor();
    if (last == null || !last.trim().startsWith("{")) {
      throw new IOException(runSh + " exited with " + exit + " and printed no JSON line");
    }
    return MAPPER.readTree(last);
  }

  /** Every figure of {@link #FIGURES} from both objects. */
  public static List<Row> compare(JsonNode ours, JsonNode theirs) {
    List<Row> rows = new ArrayList<>();
    for (Figure figure : FIGURES) {
      Double a = number(ours, figure.path());
      Double b = number(theirs, figure.path());
      Double ratio = a == null || b == null || b == 0 ? null : a / b;
      rows.add(new Row(figure.path(), figure.better(), a, b, ratio));
    }
    return rows;
  }

  /** The rows as a fixed-width table. */
  public static String table(List<Row> rows, String oursLabel, String theirsLabel) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-32s %8s %14s %14s %12s%n", "figure",
        "better", oursLabel, theirsLabel, "us/libp2p"));
    for (Row row : rows) {
      sb.append(String.format(Locale.ROOT, "%-32s %8s %14s %14s %12s%n", row.figure(), row.better(),
          format(row.ours()), format(row.theirs()), row.ratio() == null ? "-" : format(row.ratio())));
    }
    return sb.toString();
  }

  private static Double number(JsonNode root, String path) {
    JsonNode node = root;
    for (String part : path.split("\\.")) {
      node = node == null ? null : node.get(part);
    }
    return node == null || !node.isNumber() ? null : node.asDouble();
  }

  private static String format(Double value) {
    if (value == null) {
      return "-";
    }
    double v = value;
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }
}
