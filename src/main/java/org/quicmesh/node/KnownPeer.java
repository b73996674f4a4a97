package org.quicmesh.node;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import org.quicmesh.identity.NodeId;

/** A peer that proved its identity to us, where we last reached it, and how fast. */
public record KnownPeer(NodeId id, InetSocketAddress address, Duration lastRtt, Instant lastSeen) {}
