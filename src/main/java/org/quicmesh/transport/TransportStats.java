package org.quicmesh.transport;

import java.util.Map;

/**
 * A snapshot of transport counters. {@code rejected} counts inbound input refused before the protocol layers saw it,
 * by reason (e.g. {@code from-mismatch}, {@code malformed}, {@code oversized}).
 */
public record TransportStats(
    long requestsSent,
    long requestsReceived,
    long requestsFailed,
    long bytesSent,
    long bytesReceived,
    int connections,
    Map<String, Long> rejected) {}
