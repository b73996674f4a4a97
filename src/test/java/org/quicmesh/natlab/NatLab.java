package org.quicmesh.natlab;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The NAT lab of {@code scripts/natlab.sh} from a test: real Linux NAT routers in network namespaces, one per
 * behaviour, a host behind each, and two public hosts on a documentation-range "internet". Needs root, iproute2,
 * iptables and ipset; {@link #assumeAvailable()} skips a test with the reason when they are missing.
 */
public final class NatLab implements AutoCloseable {
  /** The hosts behind a NAT, by the behaviour of their router. */
  public static final List<String> NAT_HOSTS = List.of("h-none", "h-full", "h-restricted", "h-port", "h-symmetric");

  private static final Path SCRIPT = Path.of("scripts/natlab.sh").toAbsolutePath();

  private final String name;

  private NatLab(String name) {
    this.name = name;
  }

  /** Skips the calling test, saying why, unless this machine can build the lab. */
  public static void assumeAvailable() {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "the NAT lab needs root (network namespaces, iptables); run the natlab tests as root");
    for (String tool : List.of("/usr/sbin/ip", "/usr/sbin/iptables", "/usr/sbin/ipset")) {
      assumeTrue(Files.isExecutable(Path.of(tool)) || Files.isExecutable(Path.of(tool.replace("/usr/sbin", "/sbin"))),
          tool + " is missing (apt-get install iproute2 iptables ipset)");
    }
  }

  /** Skips the calling test, saying why, unless {@code tool} is installed (from Debian package {@code pkg}). */
  public static void assumeTool(String tool, String pkg) {
    assumeTrue(Files.isExecutable(Path.of(tool)), tool + " is missing (apt-get install " + pkg + ")");
  }

  /** Builds a fresh lab with a unique name (about 7 s). */
  public static NatLab up() throws IOException, InterruptedException {
    return up(1);
  }

  /**
   * Builds a fresh lab with {@code sets} routers of each behaviour (2 adds h2-TYPE behind r2-TYPE, so two hosts
   * behind separate NATs of the same kind can meet).
   */
  public static NatLab up(int sets) throws IOException, InterruptedException {
    NatLab lab = new NatLab("q" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36));
    Runtime.getRuntime().addShutdownHook(new Thread(lab::close)); // a killed test run leaves nothing behind
    lab.script("up", lab.name, Integer.toString(sets));
    return lab;
  }

  /** The WAN IP of the router a NAT host sits behind. */
  public String wan(String host) throws IOException, InterruptedException {
    return script("wan", name, host);
  }

  /** The network namespace of a lab node ({@code pub}, {@code pub2}, {@code h-port}, ...). */
  public String namespace(String node) {
    return name + "-" + node;
  }

  /** The node's own first IP (a NAT host's private one). */
  public String addr(String node) throws IOException, InterruptedException {
    return script("addr", name, node);
  }

  /** The IP the internet sees a node at: its router's WAN address behind a NAT, its own otherwise. */
  public String publicAddr(String node) throws IOException, InterruptedException {
    return script("public", name, node);
  }

  /** Runs a command inside a node's namespace and returns its output; fails on a non-zero exit or after 60 s. */
  public String exec(String node, String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node)));
    full.addAll(List.of(command));
    return run(full);
  }

  private String script(String... args) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    full.addAll(List.of(args));
    return run(full).trim();
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("timed out: " + command);
    }
    String text = new String(output, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException(command + " exited " + process.exitValue() + ": " + text);
    }
    return text;
  }

  @Override
  public void close() {
    try {
      script("down", name);
    } catch (IOException | InterruptedException e) {
      System.err.println("NAT lab " + name + " not fully removed: " + e.getMessage());
    }
  }
}
