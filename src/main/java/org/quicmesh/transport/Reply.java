package org.quicmesh.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Response;

/** A verified answer: who answered (from the certificate), from where, how long the round trip took. */
public record Reply(NodeId peer, InetSocketAddress address, Response response, Duration rtt) {}
