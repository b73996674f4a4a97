package org.quicmesh.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.quicmesh.cli.NodeProcess;

/**
 * A lab node process driven over its control channel by several threads at once: replies are matched to their
 * request by id, data events are gathered per sender, path events are kept in order.
 */
public final class LabNode implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong IDS = new AtomicLong();

  /** The lab node it runs in ({@code pub}, {@code h-port}, ...). */
  public final String name;
  /** Its NodeId, hex. */
  public final String id;
  private final NodeProcess process;
  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final Map<String, ByteArrayOutputStream> received = new ConcurrentHashMap<>();
  public final List<JsonNode> pathEvents = new CopyOnWriteArrayList<>();

  /** Small node processes: a lab runs up to eleven of them on a two-core machine. */
  private static final List<String> JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m");

  private LabNode(String name, NodeProcess process) throws InterruptedException {
    this.name = name;
    this.process = process;
    JsonNode ready;
    try {
      ready = process.next(180);
    } catch (NodeProcess.NodeSilentException e) {
      process.close();
      throw new IllegalStateException(name + " did not start within 180 s", e);
    }
    if (!"ready".equals(ready.path("event").asText())) {
      process.close();
      throw new IllegalStateException(name + " did not start: " + ready);
    }
    this.id = ready.get("node").asText();
    Thread reader = new Thread(this::dispatch, "lab-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a small {@code quicmesh node --control stdio ARGS} in {@code host}'s namespace, logging as tests do. */
  public static LabNode start(NatLab lab, String host, String... args) throws IOException, InterruptedException {
    return start(lab, host, NodeProcess.testLog(), args);
  }

  /** Starts a small {@code quicmesh node --control stdio ARGS} in {@code host}'s namespace, stderr to {@code log}. */
  public static LabNode start(NatLab lab, String host, Path log, String... args)
      throws IOException, InterruptedException {
    return new LabNode(host, NodeProcess.inNamespace(lab.namespace(host), JVM, log, withControl(args)));
  }

  private static String[] withControl(String... args) {
    List<String> all = new ArrayList<>(List.of("--control", "stdio"));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  /** Sends {@code op} with the fields of {@code params}; completes with the reply's result (fails on an error). */
  public CompletableFuture<JsonNode> call(String op, ObjectNode params) {
    String requestId = name + "-" + IDS.incrementAndGet();
    ObjectNode request = params == null ? JSON.createObjectNode() : params.deepCopy();
    request.put("id", requestId).put("op", op);
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(requestId, reply);
    process.send(request.toString());
    return reply.orTimeout(120, TimeUnit.SECONDS);
  }

  public CompletableFuture<JsonNode> call(String op, String field, String value) {
    return call(op, JSON.createObjectNode().put(field, value));
  }

  public CompletableFuture<JsonNode> send(String peer, byte[] data) {
    return call("send", JSON.createObjectNode().put("node", peer)
        .put("data", Base64.getEncoder().encodeToString(data)));
  }

  /** The bytes received so far from {@code peer}, in arrival order. */
  public byte[] receivedFrom(String peer) {
    ByteArrayOutputStream bytes = received.get(peer);
    synchronized (this) {
      return bytes == null ? new byte[0] : bytes.toByteArray();
    }
  }

  /**
   * The bytes from {@code peer} once {@code length} of them arrived (or what arrived within 30 s): a send is
   * acknowledged when the peer's node took the bytes, a moment before its data events reach us.
   */
  public byte[] awaitReceived(String peer, int length) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    byte[] now = receivedFrom(peer);
    while (now.length < length && System.nanoTime() < deadline) {
      Thread.sleep(20);
      now = receivedFrom(peer);
    }
    return now;
  }

  /**
   * Asks {@code connect} to {@code peer} every 250 ms until the connection runs on {@code path}; returns that answer,
   * or the last one when {@code within} ran out (so the caller can also check that a path never came).
   */
  public JsonNode pollPath(LabNode peer, String path, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    JsonNode info;
    do {
      info = call("connect", "node", peer.id).get(30, TimeUnit.SECONDS);
      if (info.path("path").asText().equals(path)) {
        return info;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < deadline);
    return info;
  }

  /**
   * Waits (at most {@code within}) until this node resolves {@code host}'s endpoint record naming a relay and, behind
   * a NAT, the mapped address the host learned from its peers: only then can others reach it by NodeId alone.
   */
  public void awaitReachableRecord(LabNode host, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    JsonNode record = null;
    int addresses = host.name.endsWith("-none") ? 1 : 2;
    while (System.nanoTime() < deadline) {
      try {
        record = call("resolve", "node", host.id).get(30, TimeUnit.SECONDS);
        if (record.path("relays").size() > 0 && record.path("addrs").size() >= addresses) {
          return;
        }
      } catch (ExecutionException | TimeoutException notYet) {
        // not published yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(host.name + "'s record never named its relay and a mapped address: " + record);
  }

  private void dispatch() {
    while (true) {
      JsonNode line;
      try {
        line = process.next();
      } catch (NodeProcess.NodeSilentException quiet) {
        continue; // nothing for a minute: keep waiting
      } catch (InterruptedException e) {
        return;
      }
      if (line.has("id")) {
        CompletableFuture<JsonNode> reply = pending.remove(line.get("id").asText());
        if (reply != null) {
          if (line.has("error")) {
            reply.completeExceptionally(new IllegalStateException(name + ": " + line.get("error")));
          } else {
            reply.complete(line.path("result"));
          }
        }
      } else if ("data".equals(line.path("event").asText())) {
        byte[] chunk = Base64.getDecoder().decode(line.get("data").asText());
        synchronized (this) {
          received.computeIfAbsent(line.get("from").asText(), f -> new ByteArrayOutputStream()).writeBytes(chunk);
        }
      } else if ("path".equals(line.path("event").asText())) {
        pathEvents.add(line);
      }
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
