package org.quicmesh.pubsub;

import java.util.ArrayDeque;
import org.quicmesh.wire.GossipMessage;
import org.quicmesh.wire.Publish;

/**
 * The messages waiting to be written to one peer, bounded by their encoded size. A peer that reads too slowly makes
 * {@link #offer} return {@link Offer#OVERFLOW} instead of growing the queue; the router then marks it slow and prunes
 * it from its meshes (and reports that in telemetry).
 *
 * <p>Control messages (everything but {@link Publish}) are sent before queued publishes: they are small and they keep
 * the mesh healthy (a Prune must not wait behind megabytes of data). They may also use a small extra allowance,
 * {@code controlHeadroomBytes}, so the Prune to a peer whose queue overflowed with data can still be queued. Memory
 * per peer is thus at most {@code maxBytes + controlHeadroomBytes} of messages. Within each class order is FIFO.
 * Not thread-safe (owned by the peer's stream stage or actor).
 */
public final class OutboundQueue {
  /** Quicmesh default {@code max-peer-queue-bytes}: 4 MiB. */
  public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;
  /** Default extra allowance for control messages: 64 KiB, room for many Prune/Graft/IHave. */
  public static final long DEFAULT_CONTROL_HEADROOM_BYTES = 64 * 1024;

  /** Outcome of {@link #offer}. */
  public enum Offer {
    /** Queued. */
    ACCEPTED,
    /** Refused: queuing it would exceed the byte bound. The message was not queued. */
    OVERFLOW
  }

  private final long maxBytes;
  private final long controlHeadroomBytes;
  private final ArrayDeque<Queued> control = new ArrayDeque<>();
  private final ArrayDeque<Queued> data = new ArrayDeque<>();
  private long bytes;
  private long overflows;

  /**
   * @param maxBytes most bytes of queued messages (positive)
   * @param controlHeadroomBytes extra bytes only control messages may use (zero or more)
   */
  public OutboundQueue(long maxBytes, long controlHeadroomBytes) {
    if (maxBytes <= 0 || controlHeadroomBytes < 0) {
      throw new IllegalArgumentException("need maxBytes > 0 and controlHeadroomBytes >= 0");
    }
    this.maxBytes = maxBytes;
    this.controlHeadroomBytes = controlHeadroomBytes;
  }

  /** With the defaults: 4 MiB plus 64 KiB for control. */
  public OutboundQueue() {
    this(DEFAULT_MAX_BYTES, DEFAULT_CONTROL_HEADROOM_BYTES);
  }

  /**
   * Queues {@code message}, whose encoded size is {@code sizeBytes}, if it fits.
   *
   * @throws IllegalArgumentException if {@code sizeBytes} is negative
   */
  public Offer offer(GossipMessage message, int sizeBytes) {
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("negative size " + sizeBytes);
    }
    boolean isControl = !(message instanceof Publish);
    long limit = isControl ? maxBytes + controlHeadroomBytes : maxBytes;
    if (bytes + sizeBytes > limit) {
      overflows++;
      return Offer.OVERFLOW;
    }
    (isControl ? control : data).addLast(new Queued(message, sizeBytes));
    bytes += sizeBytes;
    return Offer.ACCEPTED;
  }

  /** The next message to write (control first), or null if the queue is empty. */
  public GossipMessage poll() {
    Queued next = control.isEmpty() ? data.pollFirst() : control.pollFirst();
    if (next == null) {
      return null;
    }
    bytes -= next.sizeBytes;
    return next.message;
  }

  /** Bytes currently queued. */
  public long bytes() {
    return bytes;
  }

  /** Messages currently queued. */
  public int size() {
    return control.size() + data.size();
  }

  public boolean isEmpty() {
    return control.isEmpty() && data.isEmpty();
  }

  /** Offers refused since creation. */
  public long overflows() {
    return overflows;
  }

  /** Drops everything queued (the peer was pruned or disconnected); returns the bytes freed. */
  public long clear() {
    long freed = bytes;
    control.clear();
    data.clear();
    bytes = 0;
    return freed;
  }

  private record Queued(GossipMessage message, int sizeBytes) {}
}
