package org.quicmesh.transport.sim;

/**
 * The time source protocol code should read instead of {@link System#nanoTime()} or
 * {@link System#currentTimeMillis()}, so the same code runs on wall time in production and on
 * virtual time inside a simulation.
 *
 * <p>Both readings are monotonic; only differences between them are meaningful.
 */
public interface MeshClock {

  /** Current time in milliseconds. */
  long nowMillis();

  /** Current time in nanoseconds, for fine-grained measurements such as RTT estimation. */
  long nanoTime();

  /** The wall clock: {@link System#nanoTime()} based, for production use. */
  static MeshClock system() {
    return SystemClock.INSTANCE;
  }
}
