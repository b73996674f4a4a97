package org.quicmesh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TransportBenchTest {
  private static final List<String> ROW_FIELDS = List.of("config", "datagram_bytes", "message_bytes", "messages",
      "msgs_s", "mbit_s", "udp_mbit_s", "ratio_to_udp", "p50_ms", "p99_ms", "lost_packets", "cwnd_bytes", "rtt_ms");

  @Test
  @Tag("integration")
  void aTinyRunMeasuresBothConfigurationsAgainstRawUdpOfTheirDatagramSize() throws Exception {
    // 100 KB spans two RelayForward chunks; 1 KB is a single chunk.
    TransportBench.Options tiny = new TransportBench.Options(List.of(1024, 100 * 1024), 2L << 20, 2L << 20, 200,
        16L << 20, Duration.ofMillis(200), false);

    TransportBench.Result result = TransportBench.run(tiny, new PrintStream(PrintStream.nullOutputStream()));

    assertEquals(List.of("defaults() 1350 1024", "defaults() 1350 102400", "loopback() 32768 1024",
            "loopback() 32768 102400"),
        result.rows().stream().map(r -> r.config() + " " + r.datagramBytes() + " " + r.messageBytes()).toList());
    assertEquals(List.of(200, 20, 200, 20), result.rows().stream().map(TransportBench.Row::messages).toList());
    boolean linux = Files.isReadable(Path.of("/proc/net/snmp"));
    for (TransportBench.Row r : result.rows()) {
      assertTrue(r.mbitPerSecond() > 0 && r.udpMbitPerSecond() > 0 && r.messagesPerSecond() > 0, r.toString());
      assertTrue(r.p50Millis() >= 0 && r.p99Millis() >= r.p50Millis(), r.toString());
      assertTrue(r.connection().orElseThrow().sentPackets() > 0 && r.connection().get().cwndBytes() > 0,
          r.toString());
      assertEquals(linux, r.rcvbufErrors().isPresent(), r.toString());
      // The receiver acknowledges: some packets come back, fewer than went out.
      assertTrue(r.receiverPackets().orElseThrow() > 0, r.toString());
      assertTrue(r.packetsPerAck().orElseThrow() >= 1, r.toString());
    }
    assertEquals(List.of(1350, 32768), result.udp().stream().map(UdpReference::datagramBytes).toList());
    assertTrue(result.tcpMbitPerSecond() > 0);

    JsonNode json = new ObjectMapper().readTree(result.json());
    assertTrue(json.get("tcp_mbit_s").asDouble() > 0, result.json());
    assertEquals(4, json.get("rows").size(), result.json());
    for (JsonNode row : json.get("rows")) {
      for (String field : ROW_FIELDS) {
        assertTrue(row.hasNonNull(field), field + " missing in " + row);
      }
      assertEquals(linux, row.has("rcvbuf_errors"), row.toString());
    }
    assertEquals("defaults()", json.get("rows").get(0).get("config").asText());
    assertEquals(1350, json.get("rows").get(0).get("datagram_bytes").asInt());
  }

  @Test
  void theRatioIsQuicThroughputOverRawUdpAndNullWithoutUdp() throws Exception {
    TransportBench.Row row = row(500, 2000);
    TransportBench.Row noUdp = row(500, 0);

    assertEquals(0.25, row.ratioToUdp(), 1e-12);
    assertEquals(2000, row.messagesPerSecond(), 1e-9); // 100 messages in 0.05 s
    assertTrue(Double.isNaN(noUdp.ratioToUdp()));
    JsonNode rows = new ObjectMapper()
        .readTree(new TransportBench.Result(List.of(row, noUdp), List.of(), 1).json()).get("rows");
    assertEquals(0.25, rows.get(0).get("ratio_to_udp").asDouble(), 1e-12);
    assertTrue(rows.get(1).get("ratio_to_udp").isNull());
    assertFalse(rows.get(0).has("lost_packets"), "no connection figures, no fields");
  }

  @Test
  void chunksInOrderCompleteAMessageEveryChunksPerMessage() {
    ChunkSequence order = new ChunkSequence(3);

    List<Boolean> ends = List.of(0L, 1L, 2L, 3L, 4L, 5L).stream()
        .map(seq -> order.accept(ChunkSequence.sessionId(seq, seq % 3 == 2))).toList();

    assertEquals(List.of(false, false, true, false, false, true), ends);
    assertEquals(6, order.accepted());
  }

  @Test
  void aReorderedChunkFailsTheRowAtTheFirstOneOutOfPlace() {
    ChunkSequence order = new ChunkSequence(1);
    order.accept(ChunkSequence.sessionId(0, true));

    IllegalStateException failure = assertThrows(IllegalStateException.class,
        () -> order.accept(ChunkSequence.sessionId(2, true)));

    assertTrue(failure.getMessage().contains("chunk 2 arrived where chunk 1 was expected"), failure.getMessage());
    assertThrows(IllegalStateException.class, () -> order.accept(ChunkSequence.sessionId(0, true)),
        "an earlier chunk again is a reorder or duplicate");
  }

  @Test
  void aMessageThatEndsAtTheWrongChunkFails() {
    ChunkSequence order = new ChunkSequence(2);

    assertThrows(IllegalStateException.class, () -> order.accept(ChunkSequence.sessionId(0, true)));
  }

  @Test
  @Tag("integration")
  void rawUdpOnLoopbackGivesAPositiveFigureForWhatArrived() throws Exception {
    UdpReference udp = UdpReference.measure(1350, 4 << 20, Duration.ofMillis(200));

    assertTrue(udp.mbitPerSecond() > 0, udp.toString());
    assertTrue(udp.received() > 0 && udp.received() <= udp.sent(), udp.toString());
  }

  @Test
  void linuxUdpReceiveBufferDropsAreReadFromTheirNamedColumn() {
    List<String> snmp = List.of(
        "Ip: Forwarding DefaultTTL",
        "Ip: 1 64",
        "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors",
        "Udp: 14362538 17704 4313 14881702 4242 0 0",
        "UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors",
        "UdpLite: 0 0 0 0 7 0 0");

    assertEquals(OptionalLong.of(4242), KernelUdpCounters.rcvbufErrors(snmp));
    assertEquals(OptionalLong.empty(), KernelUdpCounters.rcvbufErrors(snmp.subList(0, 2)));
  }

  @Test
  void theInternetSizeRunsFirstAndOnlyLoopbackCarriesTheLargestMessages() {
    List<TransportBench.Setup> standard = TransportBench.setups(TransportBench.Options.standard());
    List<TransportBench.Setup> levers = TransportBench.setups(TransportBench.Options.standard().withLevers(true));

    assertEquals(List.of("defaults()", "loopback()"), standard.stream().map(TransportBench.Setup::name).toList());
    assertEquals(1350, standard.get(0).config().maxSendUdpPayloadSize());
    assertEquals(List.of(1 << 10, 10 << 10, 100 << 10, 1 << 20, 10 << 20), standard.get(0).sizes());
    assertEquals(TransportBench.Options.STANDARD_SIZES, standard.get(1).sizes());
    assertFalse(TransportBench.setups(TransportBench.Options.quick()).get(1).sizes().contains(100 << 20));
    assertEquals(7, levers.size());
    assertFalse(levers.get(2).config().nativeSocket(), "the socket of before, for comparison");
    assertEquals(16, levers.get(3).config().gsoSegments());
    assertEquals("CUBIC", levers.get(4).config().congestionControl().name(), "the controller of before");
    assertTrue(levers.subList(2, 5).stream().allMatch(s -> s.sizes().equals(List.of(1 << 10, 1 << 20))));
    assertTrue(levers.subList(5, 7).stream().allMatch(s -> s.sizes().equals(List.of(1 << 20))));
  }

  private static TransportBench.Row row(double mbit, double udpMbit) {
    return new TransportBench.Row("loopback()", 32768, 1024, 100, 0.05, mbit, udpMbit, 1, 2, Optional.empty(),
        OptionalLong.empty(), OptionalLong.empty());
  }
}
