package org.quicmesh.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Why the NAT lab cannot run is said precisely, in the order a user would fix it. */
class NatLabTest {
  private static final Function<String, Optional<Path>> ALL_TOOLS = tool -> Optional.of(Path.of("/usr/sbin", tool));

  @Test
  void aUserOtherThanRootIsToldTheLabNeedsRoot() {
    Optional<String> reason = NatLab.unavailableReason("alice", ALL_TOOLS, Optional::empty);
    assertTrue(reason.orElse("").startsWith("not root"), reason.toString());
  }

  @Test
  void aMissingToolIsNamedWithItsPackage() {
    Set<String> installed = Set.of("ip", "ipset");
    Function<String, Optional<Path>> which =
        tool -> installed.contains(tool) ? Optional.of(Path.of("/usr/sbin", tool)) : Optional.empty();
    assertEquals(Optional.of("iptables not found (apt-get install iptables)"),
        NatLab.unavailableReason("root", which, Optional::empty));
  }

  @Test
  void rootWithoutNetworkNamespacesGetsTheProbesAnswer() {
    assertEquals(Optional.of("network namespaces unavailable: Operation not permitted"),
        NatLab.unavailableReason("root", ALL_TOOLS,
            () -> Optional.of("network namespaces unavailable: Operation not permitted")));
  }

  @Test
  void theLabScriptIsFoundBesideTargetAndItsAbsenceIsExplained() {
    Path script = NatLab.scriptPath();
    assertTrue(Files.isRegularFile(script), script + " (beside target/)");
    assertEquals(Optional.empty(), NatLab.scriptProblem(script));
    Path missing = script.resolveSibling("no-such-natlab.sh");
    assertTrue(NatLab.scriptProblem(missing).orElse("").startsWith("lab script not found at " + missing),
        NatLab.scriptProblem(missing).toString());
  }
}
