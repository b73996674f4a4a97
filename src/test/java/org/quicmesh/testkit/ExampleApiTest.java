package org.quicmesh.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** examples/simulation is written as a user would: against the testkit, never the simulator's internals. */
class ExampleApiTest {

  private static final List<String> INTERNAL = List.of("org.quicmesh.simulation", "org.quicmesh.virtualtime",
      "org.quicmesh.transport");

  @Test
  void theSimulationExampleImportsNoInternalPackage() throws IOException {
    List<Path> sources;
    try (Stream<Path> files = Files.walk(Path.of("examples/simulation/src/test/java"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).toList();
    }
    assertFalse(sources.isEmpty(), "the example's sources are where the pom says");
    for (Path source : sources) {
      String text = Files.readString(source);
      assertTrue(text.contains("import org.quicmesh.testkit.MeshSimulation;"), source + " uses the testkit");
      assertFalse(text.contains("package org.quicmesh"), source + " sits outside the project's packages");
      for (String internal : INTERNAL) {
        assertFalse(text.contains(internal + "."), source + " imports " + internal);
      }
    }
  }
}
