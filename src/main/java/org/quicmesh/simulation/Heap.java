package org.quicmesh.simulation;

/** Used heap after a full collection: the basis of per-node memory figures. */
public final class Heap {
  private Heap() {}

  public static long used() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
