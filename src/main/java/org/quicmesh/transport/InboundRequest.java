package org.quicmesh.transport;

import java.net.InetSocketAddress;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Request;

/**
 * A request whose sender was verified: {@code peer} comes from the connection's certificate (or the simulated
 * network), {@code observedAddress} is the source address the packets came from (what a NAT mapped the sender to).
 */
public record InboundRequest(NodeId peer, InetSocketAddress observedAddress, Request message) {}
