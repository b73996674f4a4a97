package org.quicmesh.node;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.quicmesh.identity.NodeId;

/** A successful ping: who answered (verified), from where, and the round-trip time. */
public record Pong(NodeId peer, InetSocketAddress address, Duration rtt) {}
