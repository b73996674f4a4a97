package org.quicmesh.natlab;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.quicmesh.cli.lab.NatLab;

/** Skips a natlab test, saying why, where the lab (or a tool a test needs besides) is not available. */
final class LabAssumptions {
  private LabAssumptions() {}

  /** Skips the calling test unless this machine can build the lab (root, ip, iptables, ipset, network namespaces). */
  static void assumeLabAvailable() {
    String reason = NatLab.unavailableReason().orElse(null);
    assumeTrue(reason == null, () -> "NAT lab unavailable: " + reason);
  }

  /** Skips the calling test unless {@code tool} is installed (from Debian package {@code pkg}). */
  static void assumeTool(String tool, String pkg) {
    assumeTrue(Files.isExecutable(Path.of(tool)), tool + " is missing (apt-get install " + pkg + ")");
  }
}
