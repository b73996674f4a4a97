package org.quicmesh.transport.sim;

/** Production {@link MeshClock} backed by {@link System#nanoTime()}. */
enum SystemClock implements MeshClock {
  INSTANCE;

  @Override
  public long nowMillis() {
    return System.nanoTime() / 1_000_000L;
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
