package org.quicmesh.pubsub;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * Feeds a subscriber's stream from its topic. A local consumer cannot slow the network down, so the buffer is
 * bounded and, while it is full, new messages are dropped for this subscriber only (counted in the log); when the
 * stream is cancelled the actor stops, and the topic, which watches it, forgets the subscriber.
 */
public final class StreamSubscriber {
  private StreamSubscriber() {}

  public static Behavior<ReceivedMessage> create(BoundedSourceQueue<ReceivedMessage> queue) {
    return Behaviors.setup(ctx -> {
      long[] dropped = {0};
      return Behaviors.receiveMessage(message -> {
        QueueOfferResult result = queue.offer(message);
        if (result == QueueOfferResult.enqueued()) {
          return Behaviors.same();
        }
        if (result == QueueOfferResult.dropped()) {
          if (dropped[0]++ % 1000 == 0) {
            ctx.getLog().warn("subscriber of {} reads too slowly: {} messages dropped so far", message.topic(),
                dropped[0]);
          }
          return Behaviors.same();
        }
        return Behaviors.stopped();
      });
    });
  }
}
