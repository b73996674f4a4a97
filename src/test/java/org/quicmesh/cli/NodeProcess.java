package org.quicmesh.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A `quicmesh node --control stdio` child process driven over its stdin/stdout, as a harness would. */
public final class NodeProcess implements AutoCloseable {
  final Process process;
  private final PrintWriter stdin;
  private final LinkedBlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();

  NodeProcess(String... args) throws IOException {
    this(List.of(), args);
  }

  /** A node run inside network namespace {@code namespace} (NAT lab tests; needs root). */
  public static NodeProcess inNamespace(String namespace, String... args) throws IOException {
    return new NodeProcess(List.of("ip", "netns", "exec", namespace), List.of(), args);
  }

  /**
   * A node run inside network namespace {@code namespace} with extra JVM options (labs that run many node processes
   * at once keep each one small: e.g. the serial collector and the C1 compiler only).
   */
  public static NodeProcess inNamespace(String namespace, List<String> jvmOptions, String... args)
      throws IOException {
    return new NodeProcess(List.of("ip", "netns", "exec", namespace), jvmOptions, args);
  }

  private NodeProcess(List<String> prefix, String... args) throws IOException {
    this(prefix, List.of(), args);
  }

  private NodeProcess(List<String> prefix, List<String> jvmOptions, String... args) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.addAll(List.of(
        "-cp", System.getProperty("java.class.path"),
        "-Dio.netty.leakDetection.level=paranoid",
        "org.quicmesh.cli.Main", "node"));
    command.addAll(List.of(args));
    process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(logFile())).start();
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

  private static File logFile() {
    File dir = new File("target/node-logs");
    dir.mkdirs();
    return new File(dir, "node-" + ProcessHandle.current().pid() + ".log");
  }

  public JsonNode next() throws InterruptedException {
    return next(60);
  }

  /** The next line, waiting at most {@code seconds}. */
  public JsonNode next(int seconds) throws InterruptedException {
    JsonNode line = lines.poll(seconds, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError("no output from the node within " + seconds + " s");
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

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
