package org.quicmesh.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The NAT-lab step of {@code quicmesh demo}: in a real Linux NAT lab ({@code scripts/natlab.sh}, one router of each
 * kind) it starts a relay in {@code pub} and nodes behind a full-cone, a port-restricted and a symmetric NAT, and shows
 * the three ways a connection by NodeId ends up: direct (symmetric to full cone), relayed for good (symmetric to
 * port-restricted: no hole punching opens that pair), and relayed first, then direct on the same connection once a
 * firewall rule in the port-restricted router that blocked the direct path is lifted. Progress goes to one stream, the
 * result table to the other; the lab and every node process are removed however the step ends.
 */
public final class NatLabDemo {

  /** How the step ended. */
  public enum Outcome { PASSED, FAILED, SKIPPED }

  /** The lab hosts, by the NAT of the router each sits behind. */
  private static final Map<String, String> HOSTS = Map.of(
      "h-full", "full cone", "h-port", "port-restricted", "h-symmetric", "symmetric");
  private static final Duration START = Duration.ofSeconds(120);
  /** Long enough for the first hole-punching attempt to have failed (about 3 s) and the next to be due. */
  private static final Duration PUNCH_FAILS = Duration.ofSeconds(12);
  /** The retry after a failed attempt waits 5 s, then 10 s: a lifted firewall is noticed well within this. */
  private static final Duration UPGRADE = Duration.ofSeconds(40);

  private final PrintStream out;
  private final PrintStream progress;
  private final Supplier<Optional<String>> unavailableReason;

  /**
   * @param unavailableReason why the lab cannot be built here, empty when it can ({@link NatLab#unavailableReason()}
   *     on a real machine)
   */
  public NatLabDemo(PrintStream out, PrintStream progress, Supplier<Optional<String>> unavailableReason) {
    this.out = out;
    this.progress = progress;
    this.unavailableReason = unavailableReason;
  }

  /** One connection of the demo and what it showed. */
  private record Pair(String what, LabNode from, LabNode to, String firstPath, long firstByteMs,
      JsonNode settled, String problem) {

    boolean ok() {
      return problem == null;
    }
  }

  /** Runs the step, printing {@code prefix} before its progress lines (the demo numbers its steps). */
  public Outcome run(String prefix) {
    Optional<String> reason = unavailableReason.get();
    if (reason.isPresent()) {
      progress.println(prefix + "NAT lab skipped: " + reason.get());
      return Outcome.SKIPPED;
    }
    List<LabNode> nodes = new CopyOnWriteArrayList<>();
    AtomicReference<NatLab> built = new AtomicReference<>();
    // Ctrl-C or a kill ends the JVM without reaching the finally below: the hook still removes nodes and lab.
    Thread cleanup = new Thread(() -> tearDown(nodes, built.get()), "nat-lab-teardown");
    Runtime.getRuntime().addShutdownHook(cleanup);
    ExecutorService starter = Executors.newFixedThreadPool(HOSTS.size());
    try {
      progress.println(prefix + "NAT lab: building real Linux NAT routers in network namespaces (scripts/natlab.sh) ...");
      NatLab lab = NatLab.up(1);
      built.set(lab);
      progress.printf("   lab %s is up (namespaces %s-*)%n", lab.name(), lab.name());
      Path logs = Files.createTempDirectory("quicmesh-natlab-");
      String relayAddress = lab.addr("pub") + ":4000";
      progress.printf("   starting a relay on pub (%s) and nodes behind full-cone, port-restricted and symmetric NATs"
          + " (node logs in %s) ...%n", relayAddress, logs);
      Map<String, CompletableFuture<LabNode>> starting = new LinkedHashMap<>();
      starting.put("pub", start(starter, nodes, lab, "pub", logs, "--listen", relayAddress, "--relay"));
      for (String host : List.of("h-full", "h-port", "h-symmetric")) {
        starting.put(host, start(starter, nodes, lab, host, logs, "--listen", lab.addr(host) + ":4000",
            "--bootstrap", relayAddress, "--relay-server", relayAddress));
      }
      Map<String, LabNode> byHost = new LinkedHashMap<>();
      for (var entry : starting.entrySet()) {
        byHost.put(entry.getKey(), entry.getValue().get(START.toSeconds(), TimeUnit.SECONDS));
      }
      LabNode relay = byHost.get("pub");
      progress.println("   waiting until each node's signed endpoint record names its relay and its mapped address ...");
      for (String host : List.of("h-full", "h-port", "h-symmetric")) {
        relay.awaitReachableRecord(byHost.get(host), Duration.ofSeconds(60));
      }

      List<Pair> pairs = new ArrayList<>();
      progress.println("   symmetric -> full cone: the full-cone NAT admits anyone, so the connection should go direct ...");
      pairs.add(direct(byHost.get("h-symmetric"), byHost.get("h-full")));
      progress.println("   symmetric -> port-restricted: no hole punching opens this pair, it should stay relayed ...");
      pairs.add(relayed(byHost.get("h-symmetric"), byHost.get("h-port")));
      progress.println("   port-restricted -> full cone with a firewall rule dropping the direct path: relayed first; "
          + "then the rule is lifted ...");
      pairs.add(upgrade(lab, byHost.get("h-port"), byHost.get("h-full")));
      printTable(pairs);
      long failed = pairs.stream().filter(p -> !p.ok()).count();
      out.println(failed == 0
          ? "OK: over real NAT, one connection went direct, one stayed on the relay, one moved from the relay to a "
              + "direct path when the firewall allowed it."
          : "FAILED: " + failed + " of " + pairs.size() + " NAT-lab connections did not do what was expected.");
      return failed == 0 ? Outcome.PASSED : Outcome.FAILED;
    } catch (Exception e) {
      progress.println("   NAT lab failed: " + e);
      out.println("FAILED: the NAT lab did not run to the end: " + e.getMessage());
      return Outcome.FAILED;
    } finally {
      starter.shutdownNow();
      progress.println("   removing the NAT lab and its node processes ...");
      tearDown(nodes, built.get());
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or will: nothing to remove
      }
    }
  }

  /** Starts a node in the background; it joins {@code nodes} (which the tear-down closes) once it runs. */
  private static CompletableFuture<LabNode> start(ExecutorService starter, List<LabNode> nodes, NatLab lab,
      String host, Path logs, String... args) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        LabNode node = LabNode.start(lab, host, logs.resolve(host + ".log"), args);
        nodes.add(node);
        return node;
      } catch (Exception e) {
        throw new IllegalStateException(host + " did not start (see its log)", e);
      }
    }, starter);
  }

  private static void tearDown(List<LabNode> nodes, NatLab lab) {
    nodes.forEach(LabNode::close);
    nodes.clear();
    if (lab != null) {
      lab.close();
    }
  }

  /** A connection that should reach a direct path (at once, or after hole punching). */
  private Pair direct(LabNode from, LabNode to) throws Exception {
    long started = System.nanoTime();
    String first = from.call("connect", "node", to.id).get(120, TimeUnit.SECONDS).path("path").asText();
    long firstByteMs = firstByte(from, to, started);
    JsonNode settled = from.pollPath(to, "direct", UPGRADE);
    return new Pair("direct", from, to, first, firstByteMs, settled,
        expect(settled, "direct", "never went direct"));
  }

  /** A connection that should start on the relay and never leave it. */
  private Pair relayed(LabNode from, LabNode to) throws Exception {
    long started = System.nanoTime();
    String first = from.call("connect", "node", to.id).get(120, TimeUnit.SECONDS).path("path").asText();
    long firstByteMs = firstByte(from, to, started);
    JsonNode settled = from.pollPath(to, "direct", PUNCH_FAILS);
    String problem = !first.equals("relayed") ? "started " + first
        : expect(settled, "relayed", "left the relay");
    return new Pair("relayed", from, to, first, firstByteMs, settled, problem);
  }

  /**
   * A pair that could punch, while {@code from}'s router drops everything to and from {@code to}'s router: the
   * connection starts relayed and stays so; once the rule is lifted the same connection moves to direct (its
   * path_changes counts the move) and carries bytes there.
   */
  private Pair upgrade(NatLab lab, LabNode from, LabNode to) throws Exception {
    String toWan = lab.wan(to.name);
    String fromRouter = "r-" + from.name.substring("h-".length());
    String[][] block = {{"FORWARD", "-d", toWan, "-j", "DROP"}, {"FORWARD", "-s", toWan, "-j", "DROP"}};
    lab.firewall(fromRouter, "-I", block);
    boolean blocked = true;
    try {
      long started = System.nanoTime();
      String first = from.call("connect", "node", to.id).get(120, TimeUnit.SECONDS).path("path").asText();
      long firstByteMs = firstByte(from, to, started);
      JsonNode behindFirewall = from.pollPath(to, "direct", Duration.ofSeconds(6));
      if (!first.equals("relayed") || !behindFirewall.path("path").asText().equals("relayed")) {
        return new Pair("upgrade", from, to, first, firstByteMs, behindFirewall,
            "went direct through the firewall");
      }
      progress.printf("   ... relayed through %s while blocked; lifting the rule in %s ...%n",
          behindFirewall.path("remote").asText(), fromRouter);
      lab.firewall(fromRouter, "-D", block);
      blocked = false;
      JsonNode settled = from.pollPath(to, "direct", UPGRADE);
      String problem = expect(settled, "direct", "stayed relayed after the rule was lifted");
      if (problem == null && settled.path("path_changes").asInt() < 1) {
        problem = "direct, but not by a path change of the same connection";
      }
      if (problem == null) {
        problem = carries(from, to);
      }
      return new Pair("upgrade", from, to, first, firstByteMs, settled, problem);
    } finally {
      if (blocked) {
        lab.firewall(fromRouter, "-D", block);
      }
    }
  }

  /** Milliseconds from {@code started} until a first message sent from {@code from} reached {@code to}. */
  private static long firstByte(LabNode from, LabNode to, long started) throws Exception {
    byte[] hello = ("hello from " + from.name).getBytes(StandardCharsets.UTF_8);
    int before = to.receivedFrom(from.id).length;
    from.send(to.id, hello).get(60, TimeUnit.SECONDS);
    if (to.awaitReceived(from.id, before + hello.length).length < before + hello.length) {
      throw new IllegalStateException(to.name + " never received " + from.name + "'s first message");
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  /** Sends 256 KB on the (now direct) connection; null when every byte arrived in order, else what went wrong. */
  private static String carries(LabNode from, LabNode to) throws Exception {
    byte[] data = new byte[256 * 1024];
    new Random(from.name.hashCode()).nextBytes(data);
    int before = to.receivedFrom(from.id).length;
    from.send(to.id, data).get(60, TimeUnit.SECONDS);
    byte[] all = to.awaitReceived(from.id, before + data.length);
    return Arrays.equals(data, Arrays.copyOfRange(all, before, all.length)) ? null
        : "256 KB sent after the upgrade did not arrive intact";
  }

  private static String expect(JsonNode settled, String path, String otherwise) {
    return settled.path("path").asText().equals(path) ? null : otherwise + " (" + settled + ")";
  }

  private void printTable(List<Pair> pairs) {
    out.printf("%-8s %-26s %-34s %-8s %-8s %11s %7s %7s %s%n", "shows", "pair", "NAT types", "path", "first",
        "1st byte ms", "rtt ms", "changes", "result");
    for (Pair p : pairs) {
      out.printf("%-8s %-26s %-34s %-8s %-8s %11d %7s %7d %s%n", p.what(), p.from().name + " -> " + p.to().name,
          HOSTS.get(p.from().name) + " -> " + HOSTS.get(p.to().name), p.settled().path("path").asText(),
          p.firstPath(), p.firstByteMs(), String.format("%.2f", p.settled().path("rtt_ms").asDouble()),
          p.settled().path("path_changes").asInt(), p.ok() ? "ok" : "FAIL: " + p.problem());
    }
  }
}
