package org.quicmesh.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Publish;
import org.quicmesh.wire.WireCodec;

@Timeout(60)
class CpuProfileTest {
  @Test
  void samplesTakenWhileDecodingCborCountAsCbor(@TempDir Path dir) throws Exception {
    byte[] encoded = WireCodec.encode(new Publish("bench", new byte[32], 42, new byte[256], new byte[64]));
    Path file = dir.resolve("verify.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
      recording.start();
      long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
      long decoded = 0;
      while (System.nanoTime() < end) {
        Message message = WireCodec.decode(encoded);
        decoded += message instanceof Publish ? 1 : 0;
      }
      recording.stop();
      recording.dump(file);
      assertTrue(decoded > 0);
    }

    CpuProfile.Shares shares = CpuProfile.of(file);

    long cbor = shares.java().get("CBOR encode/decode and framing");
    long all = shares.java().values().stream().mapToLong(Long::longValue).sum();
    assertTrue(all > 50, "enough samples: " + shares.table());
    assertTrue(cbor > all / 2, shares.table());
    assertTrue(shares.table().contains("CBOR encode/decode and framing"), shares.table());
  }
}
