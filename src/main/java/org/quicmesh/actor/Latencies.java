package org.quicmesh.actor;

import java.time.Duration;

/**
 * Where actors report the latencies they measure anyway, for histograms (the node binds it to Micrometer timers).
 * Implementations are thread-safe and never block, so an actor may call them from its message handler.
 */
@FunctionalInterface
public interface Latencies {

  /** Discards every sample: the default when nobody collects metrics. */
  Latencies NONE = (kind, elapsed) -> { };

  /** The latencies the protocol layers measure. */
  enum Kind {
    /** Round-trip time of one answered DHT request (lookup hops, pings). */
    RPC_RTT,
    /** Duration of one iterative lookup, from its first request to its result. */
    LOOKUP
  }

  void record(Kind kind, Duration elapsed);
}
