package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicmesh.actor.Latencies;
import org.quicmesh.dht.DhtStatus;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.NatTelemetry;
import org.quicmesh.nat.StunServerStats;
import org.quicmesh.pubsub.PubSubStatus;
import org.quicmesh.pubsub.TopicStatus;
import org.quicmesh.transport.TransportStats;

/** The meters are functions of the telemetry snapshot, never a second set of counters. */
class NodeMetersTest {
  private final NodeId id = Keypair.generate().nodeId();
  private final String node = id.toHex().substring(0, NodeMeters.NODE_TAG_CHARS);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final NodeMeters meters = new NodeMeters(registry, id);

  private static Telemetry telemetry(long sent, Map<String, Long> dhtEvents, int meshPeers) {
    return new Telemetry(1500,
        new TransportStats(sent, 7, 1, 1000, 2000, 3, Map.of("malformed", 2L)),
        new DhtStatus(12, 20, 3, 0.5, 0.1, List.of(), 4, 4096, "joined", dhtEvents),
        new PubSubStatus(2, List.of("news"), 1,
            List.of(new TopicStatus("news", true, true, 2, meshPeers, 0, 0, 0, 1.5)), Map.of("published", 9L)),
        new NatTelemetry("full_cone", "endpoint_independent", "endpoint_independent", List.of(), false,
            Map.of("detections", 1L), new StunServerStats(5, 0, 0, Map.of())),
        Map.of("restarts.dht", 1L));
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tag("node", node).tags(tags).functionCounter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tag("node", node).tags(tags).gauge().value();
  }

  @Test
  void everyMeterReadsTheLatestSnapshot() {
    meters.update(telemetry(10, Map.of("lookups.started", 3L), 2));
    assertEquals(10, counter("quicmesh.transport.requests.sent"));
    assertEquals(2000, counter("quicmesh.transport.received"));
    assertEquals(3, gauge("quicmesh.transport.connections"));
    assertEquals(12, gauge("quicmesh.dht.table.contacts"));
    assertEquals(4096, gauge("quicmesh.dht.store.size"));
    assertEquals(3, counter("quicmesh.dht.events", "event", "lookups.started"));
    assertEquals(9, counter("quicmesh.pubsub.events", "event", "published"));
    assertEquals(2, gauge("quicmesh.pubsub.mesh.peers", "topic", "news"));
    assertEquals(1, gauge("quicmesh.pubsub.topic.ready", "topic", "news"));
    assertEquals(0.0015, gauge("quicmesh.pubsub.mesh.rtt.median.seconds", "topic", "news"), 1e-9);
    assertEquals(1, gauge("quicmesh.dht.joined"));
    assertEquals(2, counter("quicmesh.transport.rejected", "reason", "malformed"));
    assertEquals(1, counter("quicmesh.node.events", "event", "restarts.dht"));
    assertEquals(1, gauge("quicmesh.nat.type", "type", "full_cone"));
    assertEquals(5, counter("quicmesh.stun.server.requests"));

    meters.update(telemetry(25, Map.of("lookups.started", 8L, "lookups.failed", 1L), 4));
    assertEquals(25, counter("quicmesh.transport.requests.sent"));
    assertEquals(8, counter("quicmesh.dht.events", "event", "lookups.started"));
    assertEquals(1, counter("quicmesh.dht.events", "event", "lookups.failed"), "a new name becomes a meter");
    assertEquals(4, gauge("quicmesh.pubsub.mesh.peers", "topic", "news"));
  }

  @Test
  void measuredLatenciesFillHistograms() {
    meters.record(Latencies.Kind.RPC_RTT, Duration.ofMillis(40));
    meters.record(Latencies.Kind.RPC_RTT, Duration.ofMillis(60));
    meters.record(Latencies.Kind.LOOKUP, Duration.ofMillis(300));
    var rtt = registry.get("quicmesh.dht.rpc.rtt").tag("node", node).timer();
    assertEquals(2, rtt.count());
    assertEquals(100, rtt.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS), 0.001);
    assertEquals(1, registry.get("quicmesh.dht.lookup.duration").tag("node", node).timer().count());
  }

  @Test
  void aStoppedNodesMetersLeaveTheRegistry() {
    meters.update(telemetry(1, Map.of("lookups.started", 1L), 1));
    assertTrue(registry.getMeters().size() > 20);
    meters.close();
    assertEquals(List.of(), registry.getMeters());
    assertNull(registry.find("quicmesh.transport.requests.sent").meter());
  }
}
