package org.quicmesh.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@code quicmesh node} child process driven over its stdin/stdout (JSON lines, docs/control-protocol.md), as a
 * harness would: the NAT-lab step of {@code quicmesh demo} and the tests start nodes this way. The child runs on this
 * JVM's {@code java} and class path (the jar when run from {@code quicmesh}, the build's classes under a test).
 */
public final class NodeProcess implements AutoCloseable {
  /** Where the tests' node processes write their stderr. */
  private static final Path TEST_LOGS = Path.of("target/node-logs");
  /** The tests' nodes check every ByteBuf release. */
  private static final List<String> TEST_JVM = List.of("-Dio.netty.leakDetection.level=paranoid");

  final Process process;
  private final PrintWriter stdin;
  private final LinkedBlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();

  /** A node on this host, as the cli tests run it. */
  NodeProcess(String... args) throws IOException {
    this(List.of(), TEST_JVM, testLog(), args);
  }

  /** A node run inside network namespace {@code namespace} (NAT lab tests; needs root). */
  public static NodeProcess inNamespace(String namespace, String... args) throws IOException {
    return inNamespace(namespace, TEST_JVM, testLog(), args);
  }

  /**
   * A node run inside network namespace {@code namespace} with JVM options {@code jvmOptions} (labs that run several
   * node processes at once keep each one small: e.g. the serial collector and the C1 compiler only), its stderr
   * appended to {@code log}.
   */
  public static NodeProcess inNamespace(String namespace, List<String> jvmOptions, Path log, String... args)
      throws IOException {
    return new NodeProcess(List.of("ip", "netns", "exec", namespace), jvmOptions, log, args);
  }

  private NodeProcess(List<String> prefix, List<String> jvmOptions, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (Runtime.version().feature() >= 22) {
      command.add("--enable-native-access=ALL-UNNAMED"); // as the launcher does: the native QUIC library
    }
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "node"));
    command.addAll(List.of(args));
    Files.createDirectories(log.toAbsolutePath().getParent());
    process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("{")) {
            lines.add(Json.MAPPER.readTree(line));
          } else {
            System.err.println("node stdout (not JSON): " + line);
          }
        }
      } catch (IOException ignored) {
        // process ended
      }
    }, "node-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Where a test's node processes write their stderr: target/node-logs, one file per test JVM. */
  public static Path testLog() {
    return TEST_LOGS.resolve("node-" + ProcessHandle.current().pid() + ".log");
  }

  public JsonNode next() throws InterruptedException {
    return next(60);
  }

  /** The next line, waiting at most {@code seconds}. */
  public JsonNode next(int seconds) throws InterruptedException {
    JsonNode line = lines.poll(seconds, TimeUnit.SECONDS);
    if (line == null) {
      throw new NodeSilentException("no output from the node within " + seconds + " s");
    }
    return line;
  }

  /** Sends a request and returns the reply with the same id (skipping events). */
  public JsonNode call(String id, String json) throws InterruptedException {
    stdin.println(json);
    while (true) {
      JsonNode line = next();
      if (line.has("id") && line.get("id").asText().equals(id)) {
        return line;
      }
    }
  }

  /** The next event line of this kind (replies and other events in between are skipped). */
  JsonNode nextEvent(String event) throws InterruptedException {
    while (true) {
      JsonNode line = next();
      if (event.equals(line.path("event").asText())) {
        return line;
      }
    }
  }

  public void send(String raw) {
    stdin.println(raw);
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  /** The node printed nothing within the time asked for. */
  public static final class NodeSilentException extends RuntimeException {
    NodeSilentException(String message) {
      super(message);
    }
  }
}
