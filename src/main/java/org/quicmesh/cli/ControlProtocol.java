package org.quicmesh.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.quicmesh.connect.ConnectionEvent;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.NodeId;
import org.quicmesh.actor.Failures;
import org.quicmesh.node.PeerTarget;
import org.quicmesh.node.Quicmesh;
import org.quicmesh.wire.Contact.Addresses;

/**
 * JSON lines on stdin, JSON lines on stdout (docs/control-protocol.md). Requests run concurrently; each reply echoes
 * the request's {@code id}. Bad input gets an error reply and the node keeps running.
 */
final class ControlProtocol {

  /** One control operation: takes the request object, completes with the {@code result} value. */
  @FunctionalInterface
  interface Operation {
    CompletionStage<JsonNode> run(JsonNode request);
  }

  private final Quicmesh mesh;
  private final PrintStream out;
  private final Map<String, Operation> operations = new LinkedHashMap<>();
  private final CompletableFuture<Void> shutdownRequested = new CompletableFuture<>();
  private final Map<String, UniqueKillSwitch> subscriptions = new LinkedHashMap<>();

  ControlProtocol(Quicmesh mesh, PrintStream out) {
    this.mesh = mesh;
    this.out = out;
    operations.put("status", request -> mesh.status().thenApply(Json::status));
    operations.put("ping", request -> mesh.ping(target(request)).thenApply(Json::pong));
    operations.put("peers", request -> mesh.status().thenApply(status -> Json.peers(status.peers())));
    operations.put("find_node", request -> mesh.findNode(nodeId(request, "target"))
        .thenApply(result -> Json.object().set("nodes", Json.contacts(result.closest()))));
    operations.put("put", request -> mesh.put(data(request)).thenApply(Json::put));
    operations.put("get", request -> mesh.get(Key.of(nodeId(request, "key").toBytes()))
        .thenApply(value -> Json.object().put("data", Base64.getEncoder().encodeToString(value))));
    operations.put("publish_address", request -> mesh.publishAddress().thenApply(Json::record));
    operations.put("resolve", request -> mesh.resolve(nodeId(request, "node")).thenApply(Json::record));
    operations.put("nat", request -> mesh.nat(request.path("rerun").asBoolean(false)).thenApply(Json::nat));
    operations.put("subscribe", this::subscribe);
    operations.put("unsubscribe", this::unsubscribe);
    operations.put("publish", request -> mesh.publish(topic(request), data(request))
        .thenApply(id -> Json.object().put("id", id.toHex())));
    operations.put("connect", request -> mesh.connect(nodeId(request, "node")).thenApply(Json::connection));
    operations.put("send", request -> mesh.send(nodeId(request, "node"), data(request))
        .thenApply(done -> Json.object()));
    operations.put("paths", request -> mesh.connections().thenApply(all -> {
      ObjectNode result = Json.object();
      ArrayNode paths = result.putArray("paths");
      all.forEach(info -> paths.add(Json.connection(info)));
      return result;
    }));
    operations.put("shutdown", request -> mesh.shutdown().thenApply(done -> Json.object()));
    // Path changes and received bytes become event lines.
    mesh.watchConnections(mesh.system().systemActorOf(
        Behaviors.<ConnectionEvent>receive((ctx, event) -> {
          emit(Json.connectionEvent(event));
          return Behaviors.same();
        }), "control-connection-events-" + System.identityHashCode(this), Props.empty()));
  }

  /** Each received message becomes an event line; one stream per subscribed topic. */
  private CompletionStage<JsonNode> subscribe(JsonNode request) {
    String topic = topic(request);
    synchronized (subscriptions) {
      if (!subscriptions.containsKey(topic)) {
        subscriptions.put(topic, mesh.subscribe(topic)
            .viaMat(KillSwitches.single(), Keep.right())
            .to(Sink.foreach(message -> emit(Json.message(message))))
            .run(mesh.system()));
      }
    }
    return CompletableFuture.completedFuture(Json.object().put("topic", topic));
  }

  private CompletionStage<JsonNode> unsubscribe(JsonNode request) {
    String topic = topic(request);
    UniqueKillSwitch subscription;
    synchronized (subscriptions) {
      subscription = subscriptions.remove(topic);
    }
    if (subscription == null) {
      throw new ControlException("not subscribed to '" + topic + "'");
    }
    subscription.shutdown();
    return CompletableFuture.completedFuture(Json.object().put("topic", topic));
  }

  /** Adds an operation (later protocol layers register theirs). */
  void register(String op, Operation operation) {
    operations.put(op, operation);
  }

  /** Writes one line atomically. */
  void emit(JsonNode line) {
    String text = Json.line(line);
    synchronized (out) {
      out.println(text);
      out.flush();
    }
  }

  /**
   * Reads requests until end of input or a completed {@code shutdown}, and returns then. Reading happens on a daemon
   * thread because a blocking read of stdin cannot be interrupted.
   */
  void serve(InputStream in) {
    CompletableFuture<Void> inputClosed = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          if (!line.isBlank()) {
            handle(line);
          }
        }
      } catch (IOException e) {
        // A broken stdin ends the session like end of input does.
      } finally {
        inputClosed.complete(null);
      }
    }, "control-stdin");
    reader.setDaemon(true);
    reader.start();
    CompletableFuture.anyOf(shutdownRequested, inputClosed).join();
  }

  CompletableFuture<Void> shutdownRequested() {
    return shutdownRequested;
  }

  void handle(String line) {
    JsonNode request;
    try {
      request = Json.MAPPER.readTree(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      reply(null, null, "bad JSON: " + e.getOriginalMessage());
      return;
    }
    if (request == null || !request.isObject()) {
      reply(null, null, "a request must be a JSON object");
      return;
    }
    JsonNode id = request.get("id");
    String op = request.path("op").asText("");
    Operation operation = operations.get(op);
    if (operation == null) {
      reply(id, null, op.isEmpty() ? "missing op" : "unknown op '" + op + "'; known: " + operations.keySet());
      return;
    }
    CompletionStage<JsonNode> result;
    try {
      result = operation.run(request);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete((value, failure) -> {
      reply(id, value, failure == null ? null : Failures.message(failure));
      if (failure == null && "shutdown".equals(op)) {
        shutdownRequested.complete(null);
      }
    });
  }

  private void reply(JsonNode id, JsonNode result, String error) {
    ObjectNode reply = Json.object();
    reply.set("id", id);
    reply.put("ok", error == null);
    if (error == null) {
      reply.set("result", result);
    } else {
      reply.put("error", error);
    }
    emit(reply);
  }

  /** A 32-byte id given as 64 hex characters in {@code field}. */
  static NodeId nodeId(JsonNode request, String field) {
    JsonNode value = request.get(field);
    if (value == null || !value.isTextual()) {
      throw new ControlException("\"" + field + "\" must be 64 hex characters");
    }
    try {
      return NodeId.fromHex(value.asText());
    } catch (IllegalArgumentException e) {
      throw new ControlException("\"" + field + "\": " + e.getMessage());
    }
  }

  /** A topic name in {@code topic}. */
  static String topic(JsonNode request) {
    JsonNode value = request.get("topic");
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw new ControlException("\"topic\" must be a non-empty string");
    }
    return value.asText();
  }

  /** Binary payload given as base64 in {@code data}. */
  static byte[] data(JsonNode request) {
    JsonNode value = request.get("data");
    if (value == null || !value.isTextual()) {
      throw new ControlException("\"data\" must be a base64 string");
    }
    try {
      return Base64.getDecoder().decode(value.asText());
    } catch (IllegalArgumentException e) {
      throw new ControlException("\"data\" is not valid base64: " + e.getMessage());
    }
  }

  /** The peer a request names: {@code addr} ("host:port") or {@code node} (hex NodeId). */
  static PeerTarget target(JsonNode request) {
    JsonNode addr = request.get("addr");
    JsonNode node = request.get("node");
    try {
      if (addr != null && addr.isTextual()) {
        return PeerTarget.of(Addresses.parse(addr.asText()));
      }
      if (node != null && node.isTextual()) {
        return PeerTarget.of(NodeId.fromHex(node.asText()));
      }
    } catch (IllegalArgumentException e) {
      throw new ControlException(e.getMessage());
    }
    throw new ControlException("give the peer as \"addr\": \"host:port\" or \"node\": \"<64 hex chars>\"");
  }
}
