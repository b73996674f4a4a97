package org.quicmesh.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.quicmesh.dht.KnownContact;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Contact.Addresses;

/**
 * The state dir's cache of routing-table contacts ({@value #FILE}), so a restarted node rejoins without a bootstrap
 * node. Written atomically as a {@link StateFile}; a torn or corrupt file is reported, never fatal: the node then
 * starts from its configured seeds only. Plain file I/O: callers run it off the actors' threads.
 */
final class ContactCache {
  static final String FILE = "contacts.json";
  static final int VERSION = 1;

  /** The file's shape: versioned, one entry per contact. */
  record Snapshot(int version, long savedAtMillis, List<Entry> contacts) {}

  /** One contact as written; {@code rttMs} is null when no RTT was measured. */
  record Entry(String node, String address, long lastSeenMillis, Double rttMs) {}

  /**
   * What a load found.
   *
   * @param contacts the valid entries
   * @param problem why the file (or some entries) could not be used, if anything was wrong
   */
  record Loaded(List<KnownContact> contacts, Optional<String> problem) {}

  private final StateFile<Snapshot> file;

  ContactCache(Path stateDir) {
    this.file = new StateFile<>(stateDir.resolve(FILE), Snapshot.class, Snapshot::version, VERSION);
  }

  Path file() {
    return file.path();
  }

  /** Replaces the cache with {@code contacts}, atomically; creates the state dir if needed. */
  void save(List<KnownContact> contacts, long nowMillis) throws IOException {
    List<Entry> entries = contacts.stream()
        .map(k -> new Entry(k.contact().id().toHex(), k.contact().address(), k.lastSeenMillis(),
            k.rttMs().isPresent() ? k.rttMs().getAsDouble() : null))
        .toList();
    file.write(new Snapshot(VERSION, nowMillis, entries));
  }

  /** The cached contacts: none when there is no file; a corrupt file or entry is skipped and named in the problem. */
  Loaded load() {
    StateFile.Read<Snapshot> read = file.read();
    if (read.snapshot().isEmpty() || read.snapshot().get().contacts() == null) {
      return new Loaded(List.of(), read.snapshot().isEmpty() ? read.problem()
          : Optional.of(file.path() + " lists no contacts; ignoring it"));
    }
    List<KnownContact> contacts = new ArrayList<>();
    int invalid = 0;
    for (Entry entry : read.snapshot().get().contacts()) {
      Optional<KnownContact> parsed = parse(entry);
      if (parsed.isPresent()) {
        contacts.add(parsed.get());
      } else {
        invalid++;
      }
    }
    return new Loaded(List.copyOf(contacts), invalid == 0 ? Optional.empty()
        : Optional.of(file.path() + ": skipped " + invalid + " invalid contact(s)"));
  }

  /**
   * The contacts to rejoin through, at most {@code max}: the most recently seen first (the likeliest to be alive),
   * then the fastest.
   */
  static List<InetSocketAddress> seeds(List<KnownContact> contacts, int max) {
    return contacts.stream()
        .sorted(Comparator.comparingLong(KnownContact::lastSeenMillis).reversed()
            .thenComparingDouble(k -> k.rttMs().orElse(Double.MAX_VALUE)))
        .limit(max)
        .map(k -> k.contact().socketAddress())
        .toList();
  }

  private static Optional<KnownContact> parse(Entry entry) {
    try {
      if (entry == null || entry.node() == null || entry.address() == null) {
        return Optional.empty();
      }
      InetSocketAddress address = Addresses.parse(entry.address());
      if (address.isUnresolved() || address.getPort() == 0) {
        return Optional.empty();
      }
      Contact contact = Contact.of(NodeId.fromHex(entry.node()), address);
      OptionalDouble rtt = entry.rttMs() == null || !(entry.rttMs() >= 0) ? OptionalDouble.empty()
          : OptionalDouble.of(entry.rttMs());
      return Optional.of(new KnownContact(contact, entry.lastSeenMillis(), rtt));
    } catch (RuntimeException invalid) {
      return Optional.empty();
    }
  }
}
