package org.quicmesh.transport.limits;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One budget of bytes shared by all peers (inbound request bytes being assembled and handled). A reservation that
 * does not fit is refused whole, so the bytes in use never exceed the capacity; every reservation must be released
 * exactly once by its owner.
 */
public final class ByteBudget {
  private final long capacity;
  private final AtomicLong inUse = new AtomicLong();

  public ByteBudget(long capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  /** Reserves {@code bytes} if they fit: true if reserved. */
  public boolean tryReserve(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative");
    }
    while (true) {
      long current = inUse.get();
      if (current + bytes > capacity) {
        return false;
      }
      if (inUse.compareAndSet(current, current + bytes)) {
        return true;
      }
    }
  }

  /** Gives back bytes reserved earlier. */
  public void release(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative");
    }
    long after = inUse.addAndGet(-bytes);
    if (after < 0) {
      inUse.addAndGet(bytes);
      throw new IllegalStateException("released more bytes than were reserved");
    }
  }

  public long inUse() {
    return inUse.get();
  }

  public long capacity() {
    return capacity;
  }
}
