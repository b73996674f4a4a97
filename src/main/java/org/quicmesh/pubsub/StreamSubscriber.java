package org.quicmesh.pubsub;

import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * Feeds a subscriber's stream from its topic. A local consumer cannot slow the network down, so the buffer is
 * bounded and, while it is full, new messages are dropped for this subscriber only (reported and logged); it stops
 * when the stream is gone or on {@link #STOP}, and the topic, which watches it, forgets the subscriber.
 */
public final class StreamSubscriber {
  /** Sent when the subscriber's stream ended. */
  public static final Object STOP = new Object();

  private StreamSubscriber() {}

  /** Accepts {@link ReceivedMessage}s and {@link #STOP}; {@code onDrop} hears of each message dropped. */
  public static Behavior<Object> create(BoundedSourceQueue<ReceivedMessage> queue, Consumer<ReceivedMessage> onDrop) {
    return Behaviors.setup(ctx -> {
      long[] dropped = {0};
      return Behaviors.receiveMessage(message -> {
        if (!(message instanceof ReceivedMessage received)) {
          return Behaviors.stopped();
        }
        QueueOfferResult result = queue.offer(received);
        if (result == QueueOfferResult.enqueued()) {
          return Behaviors.same();
        }
        if (result == QueueOfferResult.dropped()) {
          onDrop.accept(received);
          if (dropped[0]++ % 1000 == 0) {
            ctx.getLog().warn("subscriber of {} reads too slowly: {} messages dropped so far", received.topic(),
                dropped[0]);
          }
          return Behaviors.same();
        }
        return Behaviors.stopped();
      });
    });
  }
}
