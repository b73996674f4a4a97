package org.quicmesh.transport.quic;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.quicmesh.transport.TransportStats;

/** Thread-safe counters behind {@link TransportStats}; written from event loops and handler threads alike. */
final class TransportCounters {
  final LongAdder requestsSent = new LongAdder();
  final LongAdder requestsReceived = new LongAdder();
  final LongAdder requestsFailed = new LongAdder();
  final LongAdder bytesSent = new LongAdder();
  final LongAdder bytesReceived = new LongAdder();
  final LongAdder handshakesDialed = new LongAdder();
  final LongAdder handshakesAccepted = new LongAdder();
  private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();

  /** Counts one piece of inbound input refused before the protocol layers saw it. */
  void reject(String reason) {
    rejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  long rejected(String reason) {
    LongAdder adder = rejected.get(reason);
    return adder == null ? 0 : adder.sum();
  }

  TransportStats snapshot(int connections, int inflightInbound, long inboundBufferedBytes) {
    Map<String, Long> reasons = new TreeMap<>();
    rejected.forEach((reason, count) -> reasons.put(reason, count.sum()));
    return new TransportStats(requestsSent.sum(), requestsReceived.sum(), requestsFailed.sum(), bytesSent.sum(),
        bytesReceived.sum(), connections, Map.copyOf(reasons), inflightInbound, inboundBufferedBytes);
  }
}
