package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.NodeEnvironment;
import org.quicmesh.node.Quicmesh;
import org.quicmesh.node.TransportFactory;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.wire.Contact.Addresses;

class ControlProtocolTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static int names;

  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private ControlProtocol protocol;
  private Quicmesh other;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void setUp() throws Exception {
    SimNetwork network =
        new SimNetwork(KIT.system(), Clock.systemUTC(), LatencyModel.constant(Duration.ofMillis(1)), 3);
    TransportFactory sim = (system, keypair, config) -> network.attach(keypair);
    Quicmesh mesh = start(sim);
    other = start(sim);
    protocol = new ControlProtocol(mesh, new PrintStream(output, true, StandardCharsets.UTF_8));
  }

  private static Quicmesh start(TransportFactory transports) throws Exception {
    return Quicmesh.start(KIT.system(), "control-node-" + names++, MeshConfig.load(), Keypair.generate(), transports,
        NodeEnvironment.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Sends one line and waits for the single reply it produces. */
  private JsonNode call(String line) throws Exception {
    output.reset();
    protocol.handle(line);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (output.size() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    String text = output.toString(StandardCharsets.UTF_8).trim();
    assertEquals(1, text.lines().count(), "exactly one reply line: " + text);
    return Json.MAPPER.readTree(text);
  }

  @Test
  void statusReportsIdentityAddressesPeersAndTelemetry() throws Exception {
    JsonNode reply = call("{\"id\":7,\"op\":\"status\"}");
    assertEquals(7, reply.get("id").asInt());
    assertTrue(reply.get("ok").asBoolean());
    JsonNode result = reply.get("result");
    assertEquals(64, result.get("node_id").asText().length());
    assertTrue(result.get("listen").get(0).asText().matches("127\\.[0-9.]+:4000"));
    assertEquals(0, result.get("peers").asInt());
    assertTrue(result.get("telemetry").has("uptime_ms"));
    assertTrue(result.get("telemetry").get("transport").has("requests_sent"));
  }

  @Test
  void pingByAddressAnswersWithTheVerifiedNodeAndRtt() throws Exception {
    var target = other.status().toCompletableFuture().get(5, TimeUnit.SECONDS);
    String addr = Addresses.format(target.listen().get(0));
    JsonNode reply = call("{\"id\":\"p\",\"op\":\"ping\",\"addr\":\"" + addr + "\"}");
    assertTrue(reply.get("ok").asBoolean(), reply.toString());
    assertEquals(target.nodeId().toHex(), reply.get("result").get("node").asText());
    assertTrue(reply.get("result").get("rtt_ms").asDouble() >= 2.0);

    JsonNode byNode = call("{\"id\":2,\"op\":\"ping\",\"node\":\"" + target.nodeId().toHex() + "\"}");
    assertTrue(byNode.get("ok").asBoolean(), byNode.toString());
    assertEquals(1, call("{\"id\":3,\"op\":\"status\"}").get("result").get("peers").asInt());
  }

  @Test
  void dhtOpsStoreFetchLookUpAndResolve() throws Exception {
    var target = other.status().toCompletableFuture().get(5, TimeUnit.SECONDS);
    call("{\"id\":0,\"op\":\"ping\",\"addr\":\"" + Addresses.format(target.listen().get(0)) + "\"}");

    JsonNode peers = call("{\"id\":1,\"op\":\"peers\"}").get("result").get("peers");
    assertEquals(target.nodeId().toHex(), peers.get(0).get("node").asText());
    assertTrue(peers.get(0).has("tier"));

    String data = java.util.Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8));
    JsonNode put = call("{\"id\":2,\"op\":\"put\",\"data\":\"" + data + "\"}");
    assertTrue(put.get("ok").asBoolean(), put.toString());
    String key = put.get("result").get("key").asText();
    assertEquals(1, put.get("result").get("replicas").asInt());
    assertFalse(put.get("result").get("local_only").asBoolean());
    assertEquals(data, call("{\"id\":3,\"op\":\"get\",\"key\":\"" + key + "\"}").get("result").get("data")
        .asText());
    JsonNode missing = call("{\"id\":4,\"op\":\"get\",\"key\":\"" + "ab".repeat(32) + "\"}");
    assertEquals("not found", missing.get("error").asText());

    JsonNode nodes = call("{\"id\":5,\"op\":\"find_node\",\"target\":\"" + target.nodeId().toHex() + "\"}");
    assertEquals(target.nodeId().toHex(), nodes.get("result").get("nodes").get(0).get("node").asText());

    JsonNode record = call("{\"id\":6,\"op\":\"publish_address\"}").get("result");
    assertTrue(record.get("seq").asLong() > 0);
    JsonNode resolved = call("{\"id\":7,\"op\":\"resolve\",\"node\":\"" + record.get("node").asText()
        + "\"}");
    assertEquals(record.get("addrs"), resolved.get("result").get("addrs"));
    assertTrue(call("{\"id\":8,\"op\":\"put\",\"data\":\"***\"}").get("error").asText().contains("base64"));
  }

  @Test
  void aPutWithoutAnyReachablePeerSaysTheValueLivesOnlyHere() throws Exception {
    String data = java.util.Base64.getEncoder().encodeToString("alone".getBytes(StandardCharsets.UTF_8));
    JsonNode put = call("{\"id\":1,\"op\":\"put\",\"data\":\"" + data + "\"}");
    assertTrue(put.get("ok").asBoolean(), put.toString());
    assertEquals(0, put.get("result").get("replicas").asInt());
    assertTrue(put.get("result").get("local_only").asBoolean(), put.toString());
    // The facade says the same: the other node knows no peer either.
    var result = other.put(new byte[] {7}).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(0, result.replicas());
    assertTrue(result.localOnly());
  }

  @Test
  void badJsonGetsAnErrorWithNullId() throws Exception {
    JsonNode reply = call("{not json");
    assertTrue(reply.get("id").isNull());
    assertFalse(reply.get("ok").asBoolean());
    assertTrue(reply.get("error").asText().startsWith("bad JSON"));
  }

  @Test
  void unknownOpAndMissingOpAreErrorsThatEchoTheId() throws Exception {
    JsonNode unknown = call("{\"id\":1,\"op\":\"fly\"}");
    assertEquals(1, unknown.get("id").asInt());
    assertTrue(unknown.get("error").asText().contains("unknown op 'fly'"));
    assertTrue(call("{\"id\":2}").get("error").asText().contains("missing op"));
    assertTrue(call("[1,2]").get("error").asText().contains("JSON object"));
  }

  @Test
  void pingWithoutAUsableTargetIsAClearError() throws Exception {
    assertTrue(call("{\"id\":1,\"op\":\"ping\"}").get("error").asText().contains("\"addr\""));
    assertTrue(call("{\"id\":2,\"op\":\"ping\",\"addr\":\"example.com:80\"}").get("error").asText()
        .contains("literal IP"));
    assertTrue(call("{\"id\":3,\"op\":\"ping\",\"node\":\"abc\"}").get("error").asText().contains("hex"));
  }

  @Test
  void shutdownRepliesAndEndsTheSession() throws Exception {
    JsonNode reply = call("{\"id\":9,\"op\":\"shutdown\"}");
    assertTrue(reply.get("ok").asBoolean());
    protocol.shutdownRequested().get(5, TimeUnit.SECONDS);
  }
}
