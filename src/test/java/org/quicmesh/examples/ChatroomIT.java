package org.quicmesh.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The chatroom example runs as documented: single-file Java programs (source launcher) against the Quicmesh classes,
 * talking over real QUIC on loopback.
 */
@Tag("integration")
class ChatroomIT {
  private static final Path SOURCE = Path.of("examples/chatroom/Chatroom.java").toAbsolutePath();
  private static final Pattern READY = Pattern.compile("listening on (\\S+) as node ([0-9a-f]{64})");

  @Test
  void linesTypedInOneChatroomAppearInTheOthersAndQuitExitsZero() throws Exception {
    assertTrue(Files.isRegularFile(SOURCE), "missing " + SOURCE);
    try (Chat ann = new Chat("--name", "ann", "--room", "lobby", "--port", "0")) {
      Matcher ready = ann.awaitReady();
      String annAddress = ready.group(1);
      try (Chat bob = new Chat("--name", "bob", "--room", "lobby", "--peer", annAddress);
          Chat cyd = new Chat("--name", "cyd", "--room", "lobby", "--peer", annAddress)) {
        bob.awaitReady();
        cyd.awaitReady();

        // The mesh forms within a few heartbeats; until then publishing is refused, so type again until it lands.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int attempt = 0;
        while (!(bob.saw("[ann] hello from ann") && cyd.saw("[ann] hello from ann"))
            && System.nanoTime() < deadline) {
          ann.type("hello from ann #" + attempt++);
          Thread.sleep(1000);
        }
        assertTrue(bob.saw("[ann] hello from ann"), "bob's output: " + bob.lines);
        assertTrue(cyd.saw("[ann] hello from ann"), "cyd's output: " + cyd.lines);

        while (!(ann.saw("[bob] hi ann") && cyd.saw("[bob] hi ann")) && System.nanoTime() < deadline) {
          bob.type("hi ann #" + attempt++);
          Thread.sleep(1000);
        }
        assertTrue(ann.saw("[bob] hi ann"), "ann's output: " + ann.lines);
        assertTrue(cyd.saw("[bob] hi ann"), "cyd's output: " + cyd.lines);

        assertEquals(0, bob.quit(), "bob's exit status");
        assertEquals(0, cyd.quit(), "cyd's exit status");
      }
      assertEquals(0, ann.quit(), "ann's exit status");
    }
  }

  /** One chatroom process: what it printed (collected by a reader thread) and its stdin. */
  private static final class Chat implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final PrintWriter stdin;

    Chat(String... args) throws IOException {
      List<String> command = new ArrayList<>(List.of(
          ProcessHandle.current().info().command().orElse("java"),
          "-cp", System.getProperty("java.class.path"), SOURCE.toString()));
      command.addAll(List.of(args));
      File log = new File("target/node-logs/chatroom-" + ProcessHandle.current().pid() + ".log");
      log.getParentFile().mkdirs();
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log)).start();
      stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = out.readLine()) != null) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // process ended
        }
      }, "chatroom-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    /** The first line says where the node listens and its id (compiling the source file takes a few seconds). */
    Matcher awaitReady() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && process.isAlive()) {
        if (!lines.isEmpty()) {
          Matcher matcher = READY.matcher(lines.get(0));
          assertTrue(matcher.find(), "first line: " + lines.get(0));
          return matcher;
        }
        Thread.sleep(50);
      }
      throw new AssertionError("chatroom did not start within 60 s (alive: " + process.isAlive() + ")");
    }

    boolean saw(String prefix) {
      return lines.stream().anyMatch(l -> l.startsWith(prefix));
    }

    void type(String line) {
      stdin.println(line);
    }

    int quit() throws InterruptedException {
      type("/quit");
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "chatroom did not exit within 30 s of /quit");
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
