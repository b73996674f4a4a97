package org.quicmesh.virtualtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Random;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * A typed {@link ActorSystem} running entirely on virtual time and on the creating thread, plus
 * its {@link SimDriver} and a seeded {@link Random}. With the same seed and the same behaviors a
 * simulation replays identically.
 *
 * <pre>{@code
 * try (SimulationSystem<Cmd> sim = SimulationSystem.create("mesh", 42L, Guardian.create())) {
 *   sim.system().tell(new Start());
 *   sim.driver().runFor(Duration.ofSeconds(60));
 * }
 * }</pre>
 *
 * <p>Actors must draw randomness from {@link #random()} and time from {@link #clock()}, never from
 * {@code ThreadLocalRandom} or {@code System.nanoTime()}, or runs stop being reproducible.
 */
public final class SimulationSystem<T> implements AutoCloseable {

  /** Upper bound of virtual time allowed for coordinated shutdown before we call it stuck. */
  private static final Duration MAX_SHUTDOWN = Duration.ofMinutes(10);

  private final ActorSystem<T> system;
  private final SimDriver driver;
  /** Names the one-shot reply actors of {@link #reply}. */
  private long replies;
  private final Random random;

  private SimulationSystem(ActorSystem<T> system, SimDriver driver, Random random) {
    this.system = system;
    this.driver = driver;
    this.random = random;
  }

  /** Creates a simulation with the default {@link #config()}. */
  public static <T> SimulationSystem<T> create(String name, long seed, Behavior<T> guardian) {
    return create(name, seed, random -> guardian, ConfigFactory.empty());
  }

  /**
   * Creates a simulation whose guardian is built from the simulation's seeded {@link Random}, so
   * actors can draw from it. Inside actors, {@code SimDriver.of(ctx.getSystem()).clock()} gives
   * the virtual {@link VirtualClock}.
   */
  public static <T> SimulationSystem<T> create(
      String name, long seed, Function<Random, Behavior<T>> guardian) {
    return create(name, seed, guardian, ConfigFactory.empty());
  }

  /**
   * Creates a simulation; {@code overrides} take precedence over {@link #config()} (which in turn
   * sits on top of the application config). Returns once the guardian has started.
   */
  public static <T> SimulationSystem<T> create(
      String name, long seed, Function<Random, Behavior<T>> guardian, Config overrides) {
    Config config = overrides.withFallback(config()).withFallback(ConfigFactory.load());
    Random random = new Random(seed);
    Behavior<T> behavior = guardian.apply(random);
    ActorSystem<T> system =
        new StartupBlockContext().run(() -> ActorSystem.create(behavior, name, config));
    SimDriver driver = SimDriver.of(system);
    // Typed start-up only enqueues the guardian's start message; run it so the system is ready.
    driver.runUntilIdle();
    return new SimulationSystem<>(system, driver, random);
  }

  /**
   * The settings that put an actor system on virtual time: the {@link VirtualTimeScheduler}, every
   * built-in dispatcher (loggers included) on the {@link SimExecutor}, no JVM shutdown hooks.
   */
  public static Config config() {
    return ConfigFactory.parseResources(
        SimulationSystem.class, "simulation.conf");
  }

  /** The actor system; its actors only run while the {@link #driver()} pumps. */
  public ActorSystem<T> system() {
    return system;
  }

  /**
   * Hands a one-shot reply actor to {@code send} and runs virtual time (at most {@code maxVirtual}) until the answer
   * arrives: how a test or scenario outside the actors asks one of them something.
   */
  public <R> R reply(java.util.function.Consumer<org.apache.pekko.actor.typed.ActorRef<R>> send, Duration maxVirtual) {
    java.util.concurrent.atomic.AtomicReference<R> answer = new java.util.concurrent.atomic.AtomicReference<>();
    org.apache.pekko.actor.typed.ActorRef<R> into = system.systemActorOf(
        org.apache.pekko.actor.typed.javadsl.Behaviors.<R>receiveMessage(m -> {
          answer.set(m);
          return org.apache.pekko.actor.typed.javadsl.Behaviors.stopped();
        }), "reply-" + replies++, org.apache.pekko.actor.typed.Props.empty());
    send.accept(into);
    if (!driver.runUntil(() -> answer.get() != null, maxVirtual)) {
      throw new IllegalStateException("no answer within " + maxVirtual + " of virtual time");
    }
    return answer.get();
  }

  /** Moves virtual time and runs queued actor work. */
  public SimDriver driver() {
    return driver;
  }

  /** The simulation's seeded randomness; only ever touched from the driver thread. */
  public Random random() {
    return random;
  }

  /** Virtual time for protocol code. */
  public java.time.Clock clock() {
    return driver.clock();
  }

  /**
   * Terminates the actor system, pumping (and advancing virtual time through any shutdown
   * timeouts) until termination completes.
   *
   * @throws IllegalStateException if termination does not complete
   */
  public void terminate() {
    system.terminate();
    boolean done = driver.runUntil(() -> system.whenTerminated().isCompleted(), MAX_SHUTDOWN);
    if (!done) {
      throw new IllegalStateException("actor system " + system.name() + " did not terminate");
    }
  }

  /** Same as {@link #terminate()}, skipped if the system already terminated. */
  @Override
  public void close() {
    if (!system.whenTerminated().isCompleted()) {
      terminate();
    }
  }
}
