package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicmesh.dht.KnownContact;
import org.quicmesh.identity.Keypair;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Contact.Addresses;

class ContactCacheTest {
  @TempDir
  Path dir;

  private static KnownContact known(int port, long lastSeen, double rtt) {
    return new KnownContact(Contact.of(Keypair.generate().nodeId(), Addresses.parse("127.0.0.1:" + port)), lastSeen,
        rtt < 0 ? OptionalDouble.empty() : OptionalDouble.of(rtt));
  }

  @Test
  void whatIsSavedLoadsBackWithLastSeenAndRtt() throws IOException {
    ContactCache cache = new ContactCache(dir.resolve("state"));
    List<KnownContact> contacts = List.of(known(4001, 1000, 12.5), known(4002, 2000, -1));
    cache.save(contacts, 5000);
    ContactCache.Loaded loaded = new ContactCache(dir.resolve("state")).load();
    assertEquals(contacts, loaded.contacts());
    assertEquals(Optional.empty(), loaded.problem());
    try (var files = Files.list(dir.resolve("state"))) {
      assertEquals(List.of(ContactCache.FILE), files.map(p -> p.getFileName().toString()).toList(),
          "the temporary file was renamed into place, not left behind");
    }
  }

  @Test
  void aSaveReplacesTheWholeCache() throws IOException {
    ContactCache cache = new ContactCache(dir);
    cache.save(List.of(known(4001, 1, 1), known(4002, 2, 2)), 10);
    List<KnownContact> newer = List.of(known(4003, 3, 3));
    cache.save(newer, 20);
    assertEquals(newer, cache.load().contacts());
  }

  @Test
  void noFileMeansNoContactsAndNoProblem() {
    ContactCache.Loaded loaded = new ContactCache(dir).load();
    assertEquals(List.of(), loaded.contacts());
    assertFalse(loaded.problem().isPresent());
  }

  @Test
  void aTornOrCorruptFileIsIgnoredWithAReasonNeverThrown() throws IOException {
    ContactCache cache = new ContactCache(dir);
    cache.save(List.of(known(4001, 1, 1)), 10);
    byte[] whole = Files.readAllBytes(cache.file());
    for (byte[] bad : List.of(java.util.Arrays.copyOf(whole, whole.length / 2), new byte[] {0, (byte) 0xff, 7},
        "{\"version\": 99, \"contacts\": []}".getBytes(StandardCharsets.UTF_8), "null".getBytes(StandardCharsets.UTF_8),
        "[]".getBytes(StandardCharsets.UTF_8))) {
      Files.write(cache.file(), bad);
      ContactCache.Loaded loaded = cache.load();
      assertEquals(List.of(), loaded.contacts(), new String(bad, StandardCharsets.UTF_8));
      assertTrue(loaded.problem().isPresent(), new String(bad, StandardCharsets.UTF_8));
    }
  }

  @Test
  void invalidEntriesAreSkippedAndCounted() throws IOException {
    ContactCache cache = new ContactCache(dir);
    KnownContact good = known(4001, 1, 1);
    Files.writeString(cache.file(), "{\"version\":1,\"savedAtMillis\":0,\"contacts\":["
        + "{\"node\":\"" + good.contact().id().toHex() + "\",\"address\":\"127.0.0.1:4001\",\"lastSeenMillis\":1,"
        + "\"rttMs\":1.0},"
        + "{\"node\":\"not-hex\",\"address\":\"127.0.0.1:4002\",\"lastSeenMillis\":1},"
        + "{\"node\":\"" + good.contact().id().toHex() + "\",\"address\":\"no port\",\"lastSeenMillis\":1},"
        + "{\"address\":\"127.0.0.1:4003\"}]}");
    ContactCache.Loaded loaded = cache.load();
    assertEquals(List.of(good), loaded.contacts());
    assertTrue(loaded.problem().orElseThrow().contains("skipped 3"), loaded.problem().toString());
  }

  @Test
  void seedsAreTheMostRecentlySeenThenTheFastest() {
    KnownContact old = known(4001, 100, 1);
    KnownContact recentSlow = known(4002, 900, 80);
    KnownContact recentFast = known(4003, 900, 5);
    KnownContact newest = known(4004, 1000, -1);
    assertEquals(List.of(newest.contact().socketAddress(), recentFast.contact().socketAddress(),
            recentSlow.contact().socketAddress()),
        ContactCache.seeds(List.of(old, recentSlow, recentFast, newest), 3));
  }
}
