package org.quicmesh.node;

import java.net.InetSocketAddress;
import java.util.List;
import org.quicmesh.identity.NodeId;

/** What `status` shows: identity, where we listen, how others see us, how many peers we know, counters. */
public record NodeStatus(
    NodeId nodeId,
    List<InetSocketAddress> listen,
    List<InetSocketAddress> observed,
    List<KnownPeer> peers,
    Telemetry telemetry) {}
