package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The CLI node as a separate process over real QUIC, driven through the control protocol. */
@Tag("integration")
class NodeCommandIT {

  @Test
  void twoNodeProcessesPingEachOtherAndShutDownCleanly() throws Exception {
    try (NodeProcess a = new NodeProcess("--listen", "127.0.0.1:0", "--control", "stdio");
         NodeProcess b = new NodeProcess("--listen", "127.0.0.1:0", "--control", "stdio")) {
      JsonNode readyA = a.next();
      JsonNode readyB = b.next();
      assertEquals("ready", readyA.get("event").asText());
      assertTrue(readyB.get("addr").asText().startsWith("127.0.0.1:"));

      JsonNode pong = a.call("1", "{\"id\":\"1\",\"op\":\"ping\",\"addr\":\"" + readyB.get("addr").asText() + "\"}");
      assertTrue(pong.get("ok").asBoolean(), pong.toString());
      assertEquals(readyB.get("node").asText(), pong.get("result").get("node").asText());

      JsonNode byNode = a.call("2", "{\"id\":\"2\",\"op\":\"ping\",\"node\":\"" + readyB.get("node").asText() + "\"}");
      assertTrue(byNode.get("ok").asBoolean(), byNode.toString());

      a.send("this is not json");
      JsonNode error = a.next();
      assertFalse(error.get("ok").asBoolean());

      // Address discovery runs after the first ping to a peer (WhatIsMyAddr), so the answer may trail the pong.
      JsonNode status = a.call("3", "{\"id\":\"3\",\"op\":\"status\"}");
      for (int poll = 0; poll < 50 && status.get("result").get("observed").isEmpty(); poll++) {
        Thread.sleep(100);
        status = a.call("3." + poll, "{\"id\":\"3." + poll + "\",\"op\":\"status\"}");
      }
      assertEquals(1, status.get("result").get("peers").asInt());
      assertEquals(readyA.get("addr").asText(), status.get("result").get("observed").get(0).asText(),
          "B told A the address it saw, which on loopback is A's listening address");

      // Pub/sub: both subscribe; B publishes until its mesh has a peer; A prints the message as an event line.
      assertTrue(a.call("s1", "{\"id\":\"s1\",\"op\":\"subscribe\",\"topic\":\"news\"}").get("ok").asBoolean());
      assertTrue(b.call("s2", "{\"id\":\"s2\",\"op\":\"subscribe\",\"topic\":\"news\"}").get("ok").asBoolean());
      String data = java.util.Base64.getEncoder().encodeToString("breaking".getBytes());
      JsonNode published = null;
      for (int attempt = 0; attempt < 50; attempt++) {
        published = b.call("p" + attempt, "{\"id\":\"p" + attempt + "\",\"op\":\"publish\",\"topic\":\"news\","
            + "\"data\":\"" + data + "\"}");
        if (published.get("ok").asBoolean()) {
          break;
        }
        Thread.sleep(200);
      }
      assertTrue(published.get("ok").asBoolean(), published.toString());
      JsonNode event = a.nextEvent("message");
      assertEquals("news", event.get("topic").asText());
      assertEquals(readyB.get("node").asText(), event.get("from").asText());
      assertEquals(data, event.get("data").asText());
      assertEquals(published.get("result").get("id").asText(), event.get("id").asText());

      JsonNode bye = a.call("4", "{\"id\":\"4\",\"op\":\"shutdown\"}");
      assertTrue(bye.get("ok").asBoolean());
      assertTrue(a.process.waitFor(20, TimeUnit.SECONDS), "node exits after shutdown");
      assertEquals(0, a.process.exitValue());

      b.call("5", "{\"id\":\"5\",\"op\":\"shutdown\"}");
      assertTrue(b.process.waitFor(20, TimeUnit.SECONDS));
      assertEquals(0, b.process.exitValue());
    }
  }
}
