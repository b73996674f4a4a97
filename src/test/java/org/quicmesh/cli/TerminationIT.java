package org.quicmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM makes a CLI node leave cleanly: its state dir is flushed and it exits 0. */
@Tag("integration")
class TerminationIT {
  @TempDir
  Path state;

  @Test
  void sigtermFlushesTheStateDirAndExitsZero() throws Exception {
    try (NodeProcess seed = new NodeProcess("--listen", "127.0.0.1:0", "--control", "stdio")) {
      JsonNode seedReady = seed.next();
      try (NodeProcess node = new NodeProcess("--listen", "127.0.0.1:0", "--control", "stdio",
          "--bootstrap", seedReady.get("addr").asText(), "--state-dir", state.toString())) {
        node.next();
        JsonNode status = node.call("s", "{\"id\":\"s\",\"op\":\"status\"}");
        for (int poll = 0; poll < 100 && status.get("result").get("peers").asInt() < 1; poll++) {
          Thread.sleep(100);
          status = node.call("s" + poll, "{\"id\":\"s" + poll + "\",\"op\":\"status\"}");
        }
        assertEquals(1, status.get("result").get("peers").asInt(), status.toString());

        node.process.destroy(); // SIGTERM
        assertTrue(node.process.waitFor(40, TimeUnit.SECONDS), "the node exits after SIGTERM");
        assertEquals(0, node.process.exitValue(), "a clean leave, not the JVM's 143");
      }
      Path cache = state.resolve("contacts.json");
      assertTrue(Files.isRegularFile(cache), "the contact cache was flushed on the way out");
      assertTrue(Files.readString(cache).contains(seedReady.get("node").asText()), Files.readString(cache));
      assertTrue(Files.isRegularFile(state.resolve("identity")));
    }
  }
}
