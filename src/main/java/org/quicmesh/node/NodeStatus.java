package org.quicmesh.node;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.NatClassification;

/**
 * What `status` shows: identity, where we listen, how others see us, the routing-table contacts (with latency tier
 * and RTT), telemetry, and the last NAT verdict (empty before the first detection ends).
 */
public record NodeStatus(
    NodeId nodeId,
    List<InetSocketAddress> listen,
    List<InetSocketAddress> observed,
    List<PeerInfo> peers,
    Telemetry telemetry,
    Optional<NatClassification> nat) {}
