/**
 * Deterministic discrete-event simulation for Pekko actor systems.
 *
 * <p>A simulated system runs every actor on the thread that drives it and replaces wall-clock
 * time with virtual time:
 *
 * <ul>
 *   <li>{@link org.quicmesh.virtualtime.VirtualTimeScheduler} — the Pekko scheduler; timers wait
 *       in a priority queue until the driver moves the clock.
 *   <li>{@link org.quicmesh.virtualtime.SimExecutor} — the FIFO run queue behind every
 *       dispatcher ({@link org.quicmesh.virtualtime.SimExecutorConfigurator}).
 *   <li>{@link org.quicmesh.virtualtime.SimDriver} — drains the run queue, then jumps to the next
 *       timer instant; so a timer's whole cascade of messages completes before time moves.
 *   <li>{@link org.quicmesh.virtualtime.SimulationSystem} — creates a typed actor system wired to
 *       all of the above, with a seeded {@link java.util.Random}.
 *   <li>{@link org.quicmesh.virtualtime.VirtualClock} — the {@code java.time.Clock} protocol code reads in simulations,
 *       ({@code Clock.systemUTC()} otherwise).
 * </ul>
 *
 * <p>Determinism holds as long as actors take randomness only from the simulation's
 * {@code Random}, time only from an injected {@code Clock}, and do not use their own threads or
 * {@code Future}s on non-simulation executors.
 */
package org.quicmesh.virtualtime;
