package org.quicmesh.pubsub;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.GossipMessage;
import org.quicmesh.wire.Message;

/**
 * Our long-lived outbound stream to one peer: a queue bounded by bytes in front of the transport's backpressured
 * stream. When the peer reads too slowly the queue fills and {@link #offer} refuses, so the router prunes the peer
 * instead of letting memory grow.
 */
final class PeerLink {
  /** Upper bound on queued messages as well (the byte bound is the one that matters for large payloads). */
  private static final int MAX_MESSAGES = 4096;

  private final Contact peer;
  private final long maxBytes;
  private final AtomicLong queuedBytes;
  private final BoundedSourceQueue<GossipMessage> queue;

  private PeerLink(Contact peer, long maxBytes, AtomicLong queuedBytes, BoundedSourceQueue<GossipMessage> queue) {
    this.peer = peer;
    this.maxBytes = maxBytes;
    this.queuedBytes = queuedBytes;
    this.queue = queue;
  }

  /** Opens the stream; {@code onClosed} runs (on a stream thread) when it ends or fails. */
  static PeerLink open(Transport transport, Contact peer, long maxBytes, ActorSystem<?> system,
      Consumer<Throwable> onClosed) {
    AtomicLong queued = new AtomicLong();
    BoundedSourceQueue<GossipMessage> queue = Source.<GossipMessage>queue(MAX_MESSAGES)
        .map(m -> {
          // Leaves our queue here; from now on the transport's backpressure holds it.
          queued.addAndGet(-WireSize.of(m));
          return (Message) m;
        })
        .toMat(transport.streamTo(peer), (q, done) -> {
          // Async on the dispatcher: Pekko's stages are Scala futures whose plain callbacks run on fresh threads.
          done.whenCompleteAsync((d, failure) -> onClosed.accept(failure), system.executionContext());
          return q;
        })
        .run(system);
    return new PeerLink(peer, maxBytes, queued, queue);
  }

  /** Queues a message; false when the byte (or message) bound would be exceeded or the stream is gone. */
  boolean offer(GossipMessage message) {
    int size = WireSize.of(message);
    if (queuedBytes.get() + size > maxBytes) {
      return false;
    }
    queuedBytes.addAndGet(size);
    QueueOfferResult result = queue.offer(message);
    if (result != QueueOfferResult.enqueued()) {
      queuedBytes.addAndGet(-size);
      return false;
    }
    return true;
  }

  long queuedBytes() {
    return queuedBytes.get();
  }

  Contact peer() {
    return peer;
  }

  /**
   * Ends the stream after what is queued. Idempotent: a clean leave closes the links and the stop closes them again,
   * and a stream torn down meanwhile (its system terminating) has completed the queue already.
   */
  void close() {
    if (!queue.isCompleted()) {
      try {
        queue.complete();
      } catch (IllegalStateException completedMeanwhile) {
        // the stream ended between the check and the call: nothing left to close
      }
    }
  }
}
