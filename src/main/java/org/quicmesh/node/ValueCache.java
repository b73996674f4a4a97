package org.quicmesh.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.quicmesh.dht.StoredValues;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.NodeId;

/**
 * The state dir's copy of the value store ({@value #FILE}), so a restarted node still answers for what it held: our
 * own values with their TTL, peers' copies with their storer and expiry. Written with the contact cache, atomically, as
 * a {@link StateFile}. Reading only parses: the DHT decides what it takes back (expired copies, invalid or refused
 * values are dropped there, as a Store would be). Plain file I/O: callers run it off the actors' threads.
 */
final class ValueCache {
  static final String FILE = "values.json";
  static final int VERSION = 1;

  /** The file's shape: versioned, one entry per value. */
  record Snapshot(int version, long savedAtMillis, List<Entry> values) {}

  /**
   * One value as written (bytes as base64).
   *
   * @param storer the peer that stored it, hex; null for one of our own values
   * @param expiresAtMillis when a held copy expires (epoch millis of the node's clock); 0 for our own
   * @param ttlMillis the TTL our own value is published with; 0 for a held copy
   */
  record Entry(String key, byte[] value, String storer, long expiresAtMillis, long ttlMillis) {}

  /**
   * What a load found.
   *
   * @param values the entries that parsed
   * @param problem why the file (or some entries) could not be used, if anything was wrong
   */
  record Loaded(StoredValues values, Optional<String> problem) {}

  private final StateFile<Snapshot> file;

  ValueCache(Path stateDir) {
    this.file = new StateFile<>(stateDir.resolve(FILE), Snapshot.class, Snapshot::version, VERSION);
  }

  /** Replaces the file with {@code values}, atomically. */
  void save(StoredValues values, long nowMillis) throws IOException {
    List<Entry> entries = new ArrayList<>();
    values.own().forEach(own -> entries.add(new Entry(own.key().toHex(), own.value(), null, 0, own.ttlMillis())));
    values.held().forEach(held -> entries.add(new Entry(held.key().toHex(), held.value(), held.storer().toHex(),
        held.expiresAtMillis(), 0)));
    file.write(new Snapshot(VERSION, nowMillis, entries));
  }

  /** The saved values: none when there is no file; a corrupt file or entry is skipped and named in the problem. */
  Loaded load() {
    StateFile.Read<Snapshot> read = file.read();
    if (read.snapshot().isEmpty() || read.snapshot().get().values() == null) {
      return new Loaded(new StoredValues(List.of(), List.of()), read.snapshot().isEmpty() ? read.problem()
          : Optional.of(file.path() + " lists no values; ignoring it"));
    }
    List<StoredValues.Own> own = new ArrayList<>();
    List<StoredValues.Held> held = new ArrayList<>();
    int invalid = 0;
    for (Entry entry : read.snapshot().get().values()) {
      try {
        Key key = Key.fromHex(entry.key());
        if (entry.storer() == null) {
          own.add(new StoredValues.Own(key, entry.value(), entry.ttlMillis()));
        } else {
          held.add(new StoredValues.Held(key, entry.value(), NodeId.fromHex(entry.storer()),
              entry.expiresAtMillis()));
        }
      } catch (RuntimeException malformed) {
        invalid++;
      }
    }
    return new Loaded(new StoredValues(own, held), invalid == 0 ? Optional.empty()
        : Optional.of(file.path() + ": skipped " + invalid + " invalid value(s)"));
  }
}
