package org.quicmesh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("integration")
@Timeout(60)
class TransportBenchTest {
  @Test
  void aTinyRunMeasuresEverySizeThroughTheTransportAndTcp() throws Exception {
    // 100 KB spans two RelayForward chunks; 1 KB is a single chunk.
    TransportBench.Options tiny = new TransportBench.Options(List.of(1024, 100 * 1024), 2L << 20, 200, 16L << 20,
        false);

    TransportBench.Result result = TransportBench.run(tiny, new PrintStream(PrintStream.nullOutputStream()));

    assertEquals(List.of(1024, 100 * 1024), List.copyOf(result.sizes().keySet()));
    result.sizes().values().forEach(t -> {
      assertTrue(t.mbitPerSecond() > 0 && t.p50Millis() >= 0 && t.p99Millis() >= t.p50Millis(), t.toString());
    });
    assertEquals(200, result.sizes().get(1024).messages());
    assertEquals(20, result.sizes().get(100 * 1024).messages());
    assertTrue(result.tcpMbitPerSecond() > 0);
    assertTrue(result.json().contains("\"tcp_mbit_s\""), result.json());
  }
}
