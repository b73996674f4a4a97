package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicmesh.dht.StoredValues;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.Keypair;

/** The state dir's copy of the value store: written whole and atomically, read back without ever failing a start. */
class ValueCacheTest {
  @TempDir
  Path dir;

  private static final byte[] OWN = "our value".getBytes(StandardCharsets.UTF_8);
  private static final byte[] HELD = "a peer's value".getBytes(StandardCharsets.UTF_8);

  private static StoredValues sample() {
    return new StoredValues(List.of(new StoredValues.Own(Key.forContent(OWN), OWN, 3_600_000)),
        List.of(new StoredValues.Held(Key.forContent(HELD), HELD, Keypair.generate().nodeId(), 9_000_000)));
  }

  @Test
  void ourValuesAndHeldCopiesLoadBackWithTtlStorerAndExpiry() throws IOException {
    StoredValues saved = sample();
    new ValueCache(dir.resolve("state")).save(saved, 5000);
    ValueCache.Loaded loaded = new ValueCache(dir.resolve("state")).load();
    assertFalse(loaded.problem().isPresent(), loaded.problem().toString());
    StoredValues.Own own = loaded.values().own().get(0);
    assertEquals(Key.forContent(OWN), own.key());
    assertArrayEquals(OWN, own.value());
    assertEquals(3_600_000, own.ttlMillis());
    StoredValues.Held held = loaded.values().held().get(0);
    assertEquals(saved.held().get(0).storer(), held.storer());
    assertEquals(9_000_000, held.expiresAtMillis());
    assertArrayEquals(HELD, held.value());
    try (var files = Files.list(dir.resolve("state"))) {
      assertEquals(List.of(ValueCache.FILE), files.map(p -> p.getFileName().toString()).toList(),
          "the temporary file was renamed into place, not left behind");
    }
  }

  @Test
  void aTornFileIsIgnoredWithAProblemNotAnException() throws IOException {
    new ValueCache(dir).save(sample(), 5000);
    Path file = dir.resolve(ValueCache.FILE);
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
    ValueCache.Loaded loaded = new ValueCache(dir).load();
    assertTrue(loaded.problem().orElse("").contains("corrupt"), loaded.problem().toString());
    assertEquals(0, loaded.values().own().size() + loaded.values().held().size());
  }

  @Test
  void anUnknownVersionOrABadEntryIsNamedAndSkipped() throws IOException {
    Files.writeString(dir.resolve(ValueCache.FILE), "{\"version\":7,\"values\":[]}");
    assertTrue(new ValueCache(dir).load().problem().orElse("").contains("unknown format"));
    Files.writeString(dir.resolve(ValueCache.FILE), "{\"version\":1,\"values\":[{\"key\":\"zz\",\"value\":\"AA==\","
        + "\"storer\":null,\"expiresAtMillis\":0,\"ttlMillis\":1}]}");
    ValueCache.Loaded loaded = new ValueCache(dir).load();
    assertTrue(loaded.problem().orElse("").contains("skipped 1 invalid"), loaded.problem().toString());
  }

  @Test
  void noFileMeansNoValuesAndNoProblem() {
    ValueCache.Loaded loaded = new ValueCache(dir).load();
    assertFalse(loaded.problem().isPresent());
    assertEquals(0, loaded.values().own().size() + loaded.values().held().size());
  }
}
