package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.quicmesh.transport.limits.TransportLimits;

class QuicTransportConfigTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  private static QuicTransportConfig read(String overrides) {
    return QuicTransportConfig.fromConfig(ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference()).getConfig("quicmesh.transport"), LOOPBACK);
  }

  @Test
  void theSocketAndCongestionDefaultsAreTheMeasuredOnes() {
    QuicTransportConfig defaults = read("");
    assertTrue(defaults.nativeSocket());
    assertEquals(0, defaults.gsoSegments());
    assertEquals(QuicCongestionControlAlgorithm.BBR, defaults.congestionControl());
    assertEquals(defaults.congestionControl(), QuicTransportConfig.defaults().congestionControl());
  }

  @Test
  void theKnobsAreReadFromTheConfig() {
    QuicTransportConfig tuned = read(
        "quicmesh.transport { native-socket = false, gso-segments = 16, congestion-control = cubic }");
    assertEquals(false, tuned.nativeSocket());
    assertEquals(16, tuned.gsoSegments());
    assertEquals(QuicCongestionControlAlgorithm.CUBIC, tuned.congestionControl());
  }

  @Test
  void theReferenceLimitsAreTheDocumentedDefaultsAndCanBeTuned() {
    assertEquals(TransportLimits.defaults(), read("").limits());
    TransportLimits tuned = read("quicmesh.transport.limits { max-connections-per-ip = 8, "
        + "max-inflight-requests-per-peer = 16, requests-per-peer-per-second = 50, max-inbound-buffer-bytes = 1MiB, "
        + "exempt-loopback = false }").limits();
    assertEquals(8, tuned.maxConnectionsPerIp());
    assertEquals(16, tuned.maxInflightPerPeer());
    assertEquals(50, tuned.requestsPerPeerPerSecond());
    assertEquals(1024 * 1024, tuned.maxInboundBufferBytes());
    assertEquals(false, tuned.exemptLoopback());
    assertThrows(IllegalArgumentException.class, () -> read("quicmesh.transport.limits.max-connections = 0"));
  }

  @Test
  void outOfRangeOrUnknownValuesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> read("quicmesh.transport.gso-segments = 65"));
    assertThrows(IllegalArgumentException.class, () -> read("quicmesh.transport.congestion-control = vegas"));
  }
}
