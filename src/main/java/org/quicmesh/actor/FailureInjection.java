package org.quicmesh.actor;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Test-only: lets a test make an actor throw inside its own message processing, so its supervisor sees exactly what a
 * bug in a handler would cause (PreRestart, restart, re-seeding). Wrapped around a behavior it costs one type check per
 * message; only code holding the unnarrowed {@code ActorRef<Object>} can send {@link Fail}, and the node exposes that
 * to tests alone.
 */
public final class FailureInjection {
  private FailureInjection() {}

  /** Test-only: the actor receiving this throws an {@link InjectedFailure} with {@code reason}. */
  public record Fail(String reason) {}

  /** The exception an injected failure throws. */
  public static final class InjectedFailure extends RuntimeException {
    public InjectedFailure(String reason) {
      super("injected failure: " + reason);
    }
  }

  /**
   * {@code behavior}, also accepting {@link Fail}. Put it inside the supervisor ({@code supervise(injectable(b))}) so
   * the failure is handled as the actor's own.
   */
  public static <T> Behavior<Object> injectable(Behavior<T> behavior) {
    return Behaviors.intercept(Injector::new, behavior);
  }

  private static final class Injector<T> extends BehaviorInterceptor<Object, T> {
    Injector() {
      super(Object.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Behavior<T> aroundReceive(TypedActorContext<Object> ctx, Object message, ReceiveTarget<T> target) {
      if (message instanceof Fail fail) {
        throw new InjectedFailure(fail.reason());
      }
      // Everything else was sent through a ref narrowed to T (or is Pekko's own timer or adapter envelope).
      return target.apply(ctx, (T) message);
    }
  }
}
