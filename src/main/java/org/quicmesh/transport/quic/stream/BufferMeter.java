package org.quicmesh.transport.quic.stream;

import java.util.concurrent.atomic.AtomicLong;

/** Bytes a stream stage holds right now and the most it ever held: makes the memory bound observable. */
public final class BufferMeter {
  private final AtomicLong current = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();

  void record(long bytes) {
    current.set(bytes);
    peak.accumulateAndGet(bytes, Math::max);
  }

  public long current() {
    return current.get();
  }

  public long peak() {
    return peak.get();
  }
}
