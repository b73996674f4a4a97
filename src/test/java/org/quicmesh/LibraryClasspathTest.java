package org.quicmesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What an application depending on the quicmesh artifact gets at run time: the build lists the resolved runtime
 * dependencies (maven-dependency-plugin, {@code target/runtime-dependencies.txt}); optional ones never reach an
 * embedder, so only the others must be free of logging bindings, JMH and the CLI's libraries.
 */
class LibraryClasspathTest {

  private static final Path LIST = Path.of("target", "runtime-dependencies.txt");
  /** {@code   group:artifact:type[:classifier]:version:scope [(optional)]}. */
  private static final Pattern ENTRY =
      Pattern.compile("^\\s+([\\w.\\-]+):([\\w.\\-]+):[\\w\\-]+(?::[\\w\\-]+)?:[\\w.\\-]+:(\\w+)( \\(optional\\))?.*$");

  private record Dependency(String group, String artifact, boolean optional) {
    String coordinates() {
      return group + ":" + artifact;
    }
  }

  @Test
  void anEmbeddersRuntimeClasspathHoldsNoLoggingBindingNoJmhAndNoCli() throws IOException {
    List<Dependency> all = resolved();
    List<String> offending = all.stream()
        .filter(d -> !d.optional())
        .map(Dependency::coordinates)
        .filter(LibraryClasspathTest::forbiddenForEmbedders)
        .toList();
    assertEquals(List.of(), offending, "the library would impose these on every application that embeds it");
  }

  @Test
  void theListReallyHoldsTheResolvedDependencies() throws IOException {
    List<Dependency> all = resolved();
    // Guards the check above against an empty or misparsed list: the API stays, the CLI's binding is optional.
    assertTrue(all.contains(new Dependency("org.slf4j", "slf4j-api", false)), all.toString());
    assertTrue(all.contains(new Dependency("io.micrometer", "micrometer-core", false)), all.toString());
    assertTrue(all.contains(new Dependency("ch.qos.logback", "logback-classic", true)), all.toString());
  }

  private static boolean forbiddenForEmbedders(String coordinates) {
    return coordinates.startsWith("ch.qos.logback:")
        || coordinates.startsWith("org.openjdk.jmh:")
        || coordinates.startsWith("info.picocli:")
        || coordinates.startsWith("org.apache.logging.log4j:log4j-slf4j")
        || coordinates.matches("org\\.slf4j:slf4j-(simple|nop|jdk14|jdk-platform-logging|reload4j|log4j12)");
  }

  private static List<Dependency> resolved() throws IOException {
    assertTrue(Files.isRegularFile(LIST), LIST + " is missing: the build's dependency:list execution makes it "
        + "(run the tests through Maven)");
    return Files.readAllLines(LIST).stream()
        .map(ENTRY::matcher)
        .filter(Matcher::matches)
        .map(m -> new Dependency(m.group(1), m.group(2), m.group(4) != null))
        .toList();
  }
}
