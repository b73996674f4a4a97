package org.quicmesh.cli;

import java.util.List;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as requests for a clean leave. A JVM ends on those signals with status 143 or 130 after its
 * shutdown hooks; a node asked to stop by its supervisor (systemd, Kubernetes) has stopped well, so it leaves the mesh
 * and exits 0 instead. Uses the JDK's {@code sun.misc.Signal} (module jdk.unsupported, present on every JDK we run).
 */
final class Termination {
  private Termination() {}

  /** On SIGTERM or SIGINT: runs {@code leave} (bounded by the caller) on the signal's thread, then exits 0. */
  static void onSignal(Runnable leave) {
    for (String name : List.of("TERM", "INT")) {
      Signal.handle(new Signal(name), signal -> {
        try {
          leave.run();
        } finally {
          System.exit(0);
        }
      });
    }
  }
}
