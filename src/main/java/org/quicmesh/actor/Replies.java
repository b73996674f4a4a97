package org.quicmesh.actor;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One-shot reply refs: a tiny child that takes the first reply, hands it to its parent as one of the parent's own
 * messages, and stops (or, after a timeout, hands over the timeout message instead).
 *
 * <p>Why not {@code ActorContext.ask}: in Pekko 1.7 its Java variant completes through a Scala {@code CompletionStage}
 * whose callbacks run on fresh threads. That costs a thread per reply and breaks the simulator, whose determinism
 * relies on every step running on the driver thread.
 */
public final class Replies {
  private Replies() {}

  /** A ref that forwards its first message to {@code parent} as {@code adapt(reply)}. */
  @SuppressWarnings("unchecked")
  public static <T, M> ActorRef<T> once(ActorContext<M> parent, Duration timeout, Function<T, M> adapt,
      Supplier<M> onTimeout) {
    ActorRef<M> self = parent.getSelf();
    ActorRef<Object> ref = parent.spawnAnonymous(Behaviors.withTimers(timers -> {
      timers.startSingleTimer(Timeout.INSTANCE, timeout);
      return Behaviors.receive((ctx, message) -> {
        self.tell(message == Timeout.INSTANCE ? onTimeout.get() : adapt.apply((T) message));
        return Behaviors.stopped();
      });
    }));
    return ref.narrow();
  }

  private enum Timeout { INSTANCE }
}
