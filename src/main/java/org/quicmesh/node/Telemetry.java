package org.quicmesh.node;

import java.util.Map;
import org.quicmesh.dht.DhtStatus;
import org.quicmesh.nat.NatTelemetry;
import org.quicmesh.pubsub.PubSubStatus;
import org.quicmesh.transport.TransportStats;

/** A point-in-time snapshot of a node's counters; serialises to JSON as is. */
public record Telemetry(long uptimeMs, TransportStats transport, DhtStatus dht, PubSubStatus pubsub,
    NatTelemetry nat, Map<String, Long> counters) {
  public Telemetry {
    counters = Map.copyOf(counters);
  }
}
