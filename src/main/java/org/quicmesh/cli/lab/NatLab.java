package org.quicmesh.cli.lab;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The NAT lab of {@code scripts/natlab.sh}: real Linux NAT routers in network namespaces, one per behaviour, a host
 * behind each, and two public hosts on a documentation-range "internet". Needs root, iproute2, iptables and ipset;
 * {@link #unavailableReason()} says which of them is missing. Used by the tests tagged natlab and by the NAT-lab step of
 * {@code quicmesh demo}.
 */
public final class NatLab implements AutoCloseable {
  /** The hosts behind a NAT, by the behaviour of their router. */
  public static final List<String> NAT_HOSTS = List.of("h-none", "h-full", "h-restricted", "h-port", "h-symmetric");
  /** The tools the lab script runs, each with the Debian package that has it. */
  private static final List<List<String>> TOOLS = List.of(
      List.of("ip", "iproute2"), List.of("iptables", "iptables"), List.of("ipset", "ipset"));

  private final String name;
  private final Path script;
  private final Thread removeOnExit = new Thread(this::close, "nat-lab-down");
  private boolean closed;

  private NatLab(String name, Path script) {
    this.name = name;
    this.script = script;
  }

  /** Why this machine cannot build the lab, or empty when it can. */
  public static Optional<String> unavailableReason() {
    return unavailableReason(System.getProperty("user.name"), NatLab::which, NatLab::probeNamespaces);
  }

  /**
   * Why the lab cannot be built, checked in the order a user would fix it: root, each tool (found by {@code which}),
   * the lab script, then network namespaces themselves ({@code namespaceProbe}: empty when one could be created).
   */
  static Optional<String> unavailableReason(String user, Function<String, Optional<Path>> which,
      Supplier<Optional<String>> namespaceProbe) {
    if (!"root".equals(user)) {
      return Optional.of("not root (network namespaces and iptables need root; try: sudo ./quicmesh demo)");
    }
    for (List<String> tool : TOOLS) {
      if (which.apply(tool.get(0)).isEmpty()) {
        return Optional.of(tool.get(0) + " not found (apt-get install " + tool.get(1) + ")");
      }
    }
    Optional<String> script = scriptProblem(scriptPath());
    return script.isPresent() ? script : namespaceProbe.get();
  }

  /**
   * Where the lab script is in the installed layout: {@code scripts/natlab.sh} beside {@code target/}, which holds the
   * jar the CLI runs from (or, under a test, the compiled classes).
   */
  static Path scriptPath() {
    try {
      Path code = Path.of(NatLab.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // target/quicmesh.jar and target/classes alike: two levels up is the project directory.
      return code.toAbsolutePath().getParent().getParent().resolve("scripts").resolve("natlab.sh");
    } catch (URISyntaxException | NullPointerException | SecurityException e) {
      return Path.of("scripts", "natlab.sh").toAbsolutePath();
    }
  }

  static Optional<String> scriptProblem(Path script) {
    return Files.isRegularFile(script) ? Optional.empty()
        : Optional.of("lab script not found at " + script + " (it ships in the source tree as scripts/natlab.sh, "
            + "beside target/ where the jar is built)");
  }

  /** The tool's path on $PATH or in /usr/sbin, /sbin (root's tools are often off a user's PATH). */
  private static Optional<Path> which(String tool) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin"));
    return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst();
  }

  /** Creates and deletes a throwaway namespace: root in a container without CAP_NET_ADMIN passes the other checks. */
  private static Optional<String> probeNamespaces() {
    String probe = "qprobe" + ThreadLocalRandom.current().nextInt(1_000_000);
    try {
      run(List.of("ip", "netns", "add", probe));
      run(List.of("ip", "netns", "del", probe));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("network namespaces unavailable: " + e.getMessage().trim());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while probing network namespaces");
    }
  }

  /** Builds a fresh lab with a unique name (about 7 s). */
  public static NatLab up() throws IOException, InterruptedException {
    return up(1);
  }

  /**
   * Builds a fresh lab with {@code sets} routers of each behaviour (2 adds h2-TYPE behind r2-TYPE, so two hosts
   * behind separate NATs of the same kind can meet). A shutdown hook removes it if the JVM ends before {@link #close}.
   */
  public static NatLab up(int sets) throws IOException, InterruptedException {
    Path script = scriptPath();
    Optional<String> missing = scriptProblem(script);
    if (missing.isPresent()) {
      throw new IOException(missing.get());
    }
    NatLab lab = new NatLab("q" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36),
        script);
    Runtime.getRuntime().addShutdownHook(lab.removeOnExit); // a killed run leaves nothing behind
    lab.script("up", lab.name, Integer.toString(sets));
    return lab;
  }

  /** The lab's name, the prefix of its namespaces ({@code NAME-pub}, {@code NAME-h-port}, ...). */
  public String name() {
    return name;
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

  /** Inserts ({@code -I}) or deletes ({@code -D}) iptables filter rules in a lab node, e.g. a router's FORWARD DROP. */
  public void firewall(String node, String action, String[]... rules) throws IOException, InterruptedException {
    for (String[] rule : rules) {
      List<String> command = new ArrayList<>(List.of("iptables", action));
      command.addAll(List.of(rule));
      exec(node, command.toArray(String[]::new));
    }
  }

  private String script(String... args) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("bash", script.toString()));
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

  /**
   * Removes every namespace of the lab (killing what runs in them) once: the shutdown hook and an owner's own
   * clean-up may both call it at exit, and two concurrent runs of the script would trip over each other.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (Thread.currentThread() != removeOnExit) {
      try {
        Runtime.getRuntime().removeShutdownHook(removeOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway; removing twice is harmless
      }
    }
    try {
      script("down", name);
    } catch (IOException | InterruptedException e) {
      System.err.println("NAT lab " + name + " not fully removed: " + e.getMessage());
    }
  }
}
