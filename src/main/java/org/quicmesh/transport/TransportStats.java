package org.quicmesh.transport;

import java.util.Map;

/**
 * A snapshot of transport counters. {@code rejected} counts inbound input refused before the protocol layers saw it,
 * by reason (e.g. {@code from-mismatch}, {@code malformed}, {@code oversized}, and the limits' {@code limit-...}).
 * {@code inflightInbound} and {@code inboundBufferedBytes} are what peers make the node hold now, against its limits
 * (zero for transports without them).
 */
public record TransportStats(
    long requestsSent,
    long requestsReceived,
    long requestsFailed,
    long bytesSent,
    long bytesReceived,
    int connections,
    Map<String, Long> rejected,
    int inflightInbound,
    long inboundBufferedBytes) {

  /** Stats of a transport that enforces no limits. */
  public TransportStats(long requestsSent, long requestsReceived, long requestsFailed, long bytesSent,
      long bytesReceived, int connections, Map<String, Long> rejected) {
    this(requestsSent, requestsReceived, requestsFailed, bytesSent, bytesReceived, connections, rejected, 0, 0);
  }
}
