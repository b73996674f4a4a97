package org.quicmesh.bench;

import io.netty.handler.codec.quic.QuicConnectionPathStats;
import io.netty.handler.codec.quic.QuicConnectionStats;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.quic.QuicTransport;

/**
 * quiche's figures for one QUIC connection: packet counters (cumulative, or a row's share after {@link #since}) and
 * the path's state (rtt, congestion window, delivery rate) at the moment taken.
 */
public record ConnectionSnapshot(long sentPackets, long lostPackets, long cwndBytes, double rttMillis,
    long deliveryRateBytesPerSecond) {

  /**
   * The pooled connection from {@code transport} to {@code peer}; empty if there is none or quiche did not answer
   * (evidence only: its absence must not fail a row that transferred everything).
   */
  static Optional<ConnectionSnapshot> take(QuicTransport transport, NodeId peer) throws InterruptedException {
    Optional<QuicConnectionStats> counters;
    Optional<QuicConnectionPathStats> path;
    try {
      counters = transport.connectionStats(peer).toCompletableFuture().get(5, TimeUnit.SECONDS);
      path = transport.pathStats(peer).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    }
    if (counters.isEmpty() || path.isEmpty()) {
      return Optional.empty();
    }
    // quiche.h documents the path RTT in nanoseconds (loopback rows read a few ms, which agrees).
    return Optional.of(new ConnectionSnapshot(counters.get().sent(), counters.get().lost(), path.get().cwnd(),
        path.get().rtt() / 1e6, path.get().deliveryRate()));
  }

  /** Counters as the difference from {@code earlier}, path state as now. */
  ConnectionSnapshot since(ConnectionSnapshot earlier) {
    return new ConnectionSnapshot(sentPackets - earlier.sentPackets, lostPackets - earlier.lostPackets, cwndBytes,
        rttMillis, deliveryRateBytesPerSecond);
  }
}
