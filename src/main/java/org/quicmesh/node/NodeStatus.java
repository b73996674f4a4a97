package org.quicmesh.node;

import java.net.InetSocketAddress;
import java.util.List;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.identity.NodeId;

/**
 * What `status` shows: identity, where we listen, how others see us, the routing-table contacts (with latency tier
 * and RTT), and telemetry.
 */
public record NodeStatus(
    NodeId nodeId,
    List<InetSocketAddress> listen,
    List<InetSocketAddress> observed,
    List<PeerInfo> peers,
    Telemetry telemetry) {}
