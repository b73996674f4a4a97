package org.quicmesh.bench;

/**
 * When publishing on a freshly joined topic may start, in the measured phase and in every warm-up round alike: every
 * node answered whether its mesh is ready (or its wait ran out) and at least {@link MeshBench#MESH_MIN_WAIT} passed,
 * or the whole wait ({@link MeshBench#MESH_WAIT}) is over. Each method says whether this call opened the gate, which
 * happens once. Plain state, owned by one actor.
 */
final class MeshGate {
  private final int nodes;
  private int answers;
  private boolean minWaitPassed;
  private boolean open;

  MeshGate(int nodes) {
    this.nodes = nodes;
  }

  /** A node answered. */
  boolean answered() {
    answers++;
    return tryOpen();
  }

  /** The least wait passed. */
  boolean minWaitPassed() {
    minWaitPassed = true;
    return tryOpen();
  }

  /** The longest wait passed: open whoever answered. */
  boolean waitOver() {
    minWaitPassed = true;
    return tryOpen() || openNow();
  }

  int answers() {
    return answers;
  }

  private boolean tryOpen() {
    return minWaitPassed && answers >= nodes && openNow();
  }

  private boolean openNow() {
    if (open) {
      return false;
    }
    open = true;
    return true;
  }
}
