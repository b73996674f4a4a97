package org.quicmesh.natlab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.cli.lab.LabNode;
import org.quicmesh.cli.lab.NatLab;

/**
 * Any node reaches any other by NodeId alone, over real Linux NAT: for every ordered pair of router behaviours, a host
 * behind one (h-X) connects to a host behind a separate router of the other kind (h2-Y) knowing only its NodeId, and
 * the two exchange a megabyte each way, checked byte for byte. Direct wherever the NATs allow it (after a relayed
 * start where they filter), relayed for symmetric against port-restricted or symmetric.
 */
@Tag("natlab")
@Timeout(600)
class ConnectivityLabTest {
  private static final List<String> TYPES = List.of("none", "full", "restricted", "port", "symmetric");
  /** Pairs (A's NAT, B's NAT) no hole punching can open: they stay on the relay. */
  private static final Set<String> RELAYED = Set.of("symmetric>port", "port>symmetric", "symmetric>symmetric");
  private static final int MEGABYTE = 1 << 20;

  private static NatLab lab;
  private static LabNode relay;
  private static final Map<String, LabNode> hosts = new LinkedHashMap<>();

  @BeforeAll
  static void buildLabAndNodes() throws Exception {
    LabAssumptions.assumeLabAvailable();
    lab = NatLab.up(2);
    String relayAddress = lab.addr("pub") + ":4000";
    relay = LabNode.start(lab, "pub", "--listen", relayAddress, "--relay");
    List<String> names = new ArrayList<>();
    for (String type : TYPES) {
      names.add("h-" + type);
      names.add("h2-" + type);
    }
    Map<String, CompletableFuture<LabNode>> starting = new LinkedHashMap<>();
    for (String host : names) {
      String listen = lab.addr(host) + ":4000";
      starting.put(host, CompletableFuture.supplyAsync(() -> {
        try {
          return LabNode.start(lab, host, "--listen", listen, "--bootstrap", relayAddress,
              "--relay-server", relayAddress);
        } catch (Exception e) {
          throw new IllegalStateException(host + " did not start", e);
        }
      }));
    }
    for (var entry : starting.entrySet()) {
      hosts.put(entry.getKey(), entry.getValue().get(240, TimeUnit.SECONDS));
    }
    for (LabNode host : hosts.values()) {
      relay.awaitReachableRecord(host, Duration.ofSeconds(60));
    }
  }

  @AfterAll
  static void tearDown() {
    hosts.values().forEach(LabNode::close);
    if (relay != null) {
      relay.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void everyPairConnectsByNodeIdOnTheExpectedPathAndExchangesAMegabyteEachWay() throws Exception {
    Map<String, CompletableFuture<String>> results = new LinkedHashMap<>();
    // A few pairs at a time: eleven node processes share the machine's cores.
    ExecutorService pairs = Executors.newFixedThreadPool(3);
    for (String from : TYPES) {
      for (String to : TYPES) {
        LabNode a = hosts.get("h-" + from);
        LabNode b = hosts.get("h2-" + to);
        String expected = RELAYED.contains(from + ">" + to) ? "relayed" : "direct";
        results.put(from + ">" + to, CompletableFuture.supplyAsync(() -> pair(a, b, expected), pairs));
      }
    }
    pairs.shutdown();
    StringBuilder matrix = new StringBuilder("A behind \\ B behind: path, ms to first byte, rtt ms\n");
    List<String> failures = new ArrayList<>();
    for (var entry : results.entrySet()) {
      try {
        matrix.append(entry.getKey()).append(": ").append(entry.getValue().get(300, TimeUnit.SECONDS)).append('\n');
      } catch (Exception e) {
        failures.add(entry.getKey() + ": " + e.getCause());
        matrix.append(entry.getKey()).append(": FAILED ").append(e.getCause()).append('\n');
      }
    }
    System.out.println("connectivity matrix\n" + matrix);
    assertTrue(failures.isEmpty(), failures.size() + " of 25 pairs failed:\n" + String.join("\n", failures));
  }

  /**
   * A pair that could punch starts relayed because a firewall drops everything between their routers; once the rule
   * is lifted the same connection moves to direct while bytes flow, and when the direct path is cut again it falls
   * back to the relay, the bytes still arriving complete and in order. (A pair the matrix does not use: two hosts
   * of the first set.)
   */
  @Test
  void aRelayedConnectionMovesToDirectWhenAllowedAndBackToTheRelayWhenTheDirectPathIsCut() throws Exception {
    LabNode a = hosts.get("h-port");
    LabNode b = hosts.get("h-restricted");
    String bWan = lab.wan("h-restricted");
    String[] block = {"FORWARD", "-d", bWan, "-j", "DROP"};
    String[] blockBack = {"FORWARD", "-s", bWan, "-j", "DROP"};
    lab.firewall("r-port", "-I", block, blockBack);
    JsonNode first = a.call("connect", "node", b.id).get(120, TimeUnit.SECONDS);
    assertEquals("relayed", first.get("path").asText(), first.toString());
    Thread.sleep(6_000); // the first hole-punching attempt fails behind the firewall
    assertEquals("relayed", a.call("connect", "node", b.id).get(30, TimeUnit.SECONDS).get("path").asText());

    lab.firewall("r-port", "-D", block, blockBack);
    ByteStream upgrade = ByteStream.start(a, b, "upgrade");
    JsonNode direct = awaitPath(a, b, "direct");
    assertEquals(bWan + ":4000", direct.get("remote").asText(), direct.toString());
    upgrade.finish();

    ByteStream fallback = ByteStream.start(a, b, "fallback");
    lab.firewall("r-port", "-I", block, blockBack);
    long cut = System.nanoTime();
    awaitPathChange(a, b, "relayed", 20);
    long fallbackMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
    fallback.finish();
    System.out.printf("upgrade and fallback: direct at %s, back on the relay %d ms after the cut%n",
        direct.get("remote").asText(), fallbackMs);
    assertTrue(a.call("connect", "node", b.id).get(30, TimeUnit.SECONDS).get("path_changes").asInt() >= 2);
  }

  /** 40 sends of 256 KB from a to b in a row, on a thread of their own; {@link #finish} checks every byte arrived. */
  private static final class ByteStream {
    private final LabNode a;
    private final LabNode b;
    private final byte[] data = new byte[40 * 256 * 1024];
    private final int before;
    private final CompletableFuture<Void> sent;

    private ByteStream(LabNode a, LabNode b, String seed) {
      this.a = a;
      this.b = b;
      new Random(seed.hashCode()).nextBytes(data);
      this.before = b.receivedFrom(a.id).length;
      this.sent = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 40; i++) {
          a.send(b.id, Arrays.copyOfRange(data, i * 256 * 1024, (i + 1) * 256 * 1024)).join();
        }
      });
    }

    static ByteStream start(LabNode a, LabNode b, String seed) {
      return new ByteStream(a, b, seed);
    }

    void finish() throws Exception {
      sent.get(180, TimeUnit.SECONDS);
      byte[] all = b.awaitReceived(a.id, before + data.length);
      assertArrayEquals(data, Arrays.copyOfRange(all, before, all.length), "every byte, in order");
    }
  }

  private static void awaitPathChange(LabNode a, LabNode b, String path, int seconds) throws Exception {
    JsonNode info = a.pollPath(b, path, Duration.ofSeconds(seconds));
    assertEquals(path, info.get("path").asText(), a.name + " -> " + b.name + " never went " + path + ": " + info);
  }

  /** Connects a to b by NodeId, waits for the expected path, exchanges a megabyte each way; returns the matrix cell. */
  private static String pair(LabNode a, LabNode b, String expected) {
    try {
      long started = System.nanoTime();
      JsonNode first = a.call("connect", "node", b.id).get(120, TimeUnit.SECONDS);
      long firstByteMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      JsonNode settled = awaitPath(a, b, expected);
      byte[] there = bytes(a.name + b.name);
      byte[] back = bytes(b.name + a.name);
      a.send(b.id, there).get(120, TimeUnit.SECONDS);
      assertArrayEquals(there, b.awaitReceived(a.id, there.length), a.name + " -> " + b.name + " byte for byte");
      b.send(a.id, back).get(120, TimeUnit.SECONDS);
      assertArrayEquals(back, a.awaitReceived(b.id, back.length), b.name + " -> " + a.name + " byte for byte");
      JsonNode now = a.call("connect", "node", b.id).get(30, TimeUnit.SECONDS);
      assertEquals(expected, now.get("path").asText(), a.name + " -> " + b.name + " after the transfer: " + now);
      return expected + " (first " + first.get("path").asText() + "), " + firstByteMs + ", "
          + settled.path("rtt_ms").asText();
    } catch (Exception e) {
      throw new IllegalStateException(a.name + " -> " + b.name + ": " + e, e);
    }
  }

  /**
   * Polls the connection until it runs on {@code expected}. A pair expected to stay relayed is watched until its first
   * hole-punching attempt has had time to fail.
   */
  private static JsonNode awaitPath(LabNode a, LabNode b, String expected) throws Exception {
    JsonNode info = a.pollPath(b, "direct", Duration.ofSeconds(expected.equals("direct") ? 30 : 12));
    assertEquals(expected, info.get("path").asText(), a.name + " -> " + b.name + ": " + info);
    return info;
  }

  private static byte[] bytes(String seed) {
    byte[] data = new byte[MEGABYTE];
    new Random(seed.hashCode()).nextBytes(data);
    return data;
  }
}
