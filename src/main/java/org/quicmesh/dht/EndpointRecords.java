package org.quicmesh.dht;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.quicmesh.actor.Counters;
import org.quicmesh.identity.AddressKind;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.identity.RecordRejectedException;
import org.quicmesh.identity.RelayService;
import org.quicmesh.wire.Contact.Addresses;

/**
 * Signed endpoint records as one node handles them, without I/O: our own record (signing, when to republish), the
 * verification of records others store here or we resolve (signature, expiry, replay against the highest sequence seen
 * per node), and the choice among several copies found in the network (the highest valid sequence wins).
 * Not thread-safe: the owning actor serialises calls; time is passed in.
 */
final class EndpointRecords {
  static final int MAX_TRACKED_SEQUENCES = 10_000;
  static final int MAX_RESOLVED_RECORDS = 1_000;
  static final int MAX_ADDRESSES = 16;

  private final Keypair keypair;
  private final Duration ttl;
  private final Counters counters;
  /** Highest endpoint-record sequence seen per node (bounded, least recently used dropped): a lower one is a replay. */
  private final Map<NodeId, Long> sequences = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<NodeId, Long> eldest) {
      return size() > MAX_TRACKED_SEQUENCES;
    }
  };
  /**
   * The newest record each recently resolved node had (bounded, least recently used dropped). When the holders a
   * later lookup reaches serve only older copies (they missed an update; to us those are replays), the record we
   * verified before is still the node's newest we know of.
   */
  private final Map<NodeId, EndpointRecord> resolved = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<NodeId, EndpointRecord> eldest) {
      return size() > MAX_RESOLVED_RECORDS;
    }
  };
  private EndpointRecord published;
  private List<InetSocketAddress> host;
  private List<InetSocketAddress> serverReflexive = List.of();
  private List<String> relays = List.of();
  /** What we advertise as a relay for others, or null if we are none. */
  private RelayService relayService;

  /** @param host the node's own addresses, until {@link #addressesChanged} says more */
  EndpointRecords(Keypair keypair, List<InetSocketAddress> host, Duration ttl, Counters counters) {
    this.keypair = keypair;
    this.host = List.copyOf(host);
    this.ttl = ttl;
    this.counters = counters;
  }

  // ---- our own record ----

  /**
   * Signs a new record of our current addresses, each with its kind (host ones first), and remembers it as published.
   * The sequence is a timestamp, so a restarted node (same key, no memory) still outranks its old records.
   */
  EndpointRecord signNext(long nowMillis) {
    long sequence = Math.max(nowMillis, published == null ? 0 : published.sequence() + 1);
    Map<String, AddressKind> kinds = new LinkedHashMap<>();
    host.forEach(a -> kinds.putIfAbsent(Addresses.format(a), AddressKind.HOST));
    serverReflexive.forEach(a -> kinds.putIfAbsent(Addresses.format(a), AddressKind.SERVER_REFLEXIVE));
    List<Map.Entry<String, AddressKind>> listed = kinds.entrySet().stream().limit(MAX_ADDRESSES).toList();
    published = EndpointRecord.sign(keypair, listed.stream().map(Map.Entry::getKey).toList(),
        listed.stream().map(Map.Entry::getValue).toList(), relays, relayService, sequence, nowMillis + ttl.toMillis());
    counters.increment("records.published");
    return published;
  }

  /**
   * Records our new addresses: our own ({@code host}) and where observers see us ({@code serverReflexive}); true if a
   * record was published before and must be republished with them.
   */
  boolean addressesChanged(List<InetSocketAddress> host, List<InetSocketAddress> serverReflexive) {
    if (host.isEmpty() && serverReflexive.isEmpty()
        || host.equals(this.host) && serverReflexive.equals(this.serverReflexive)) {
      return false;
    }
    this.host = List.copyOf(host);
    this.serverReflexive = List.copyOf(serverReflexive);
    if (published == null) {
      return false;
    }
    counters.increment("records.republished_on_change");
    return true;
  }

  /** The relays our records name, as contacts (malformed entries skipped). */
  List<org.quicmesh.wire.Contact> relayContacts() {
    return relays.stream().flatMap(entry -> org.quicmesh.wire.RelayEntry.parse(entry).stream()).toList();
  }

  /** Records the relays we hold reservations with (they go into every record signed from now on). */
  void relaysChanged(List<String> changed) {
    relays = changed.stream().distinct().limit(EndpointRecord.MAX_RELAYS).toList();
    counters.increment("records.relays_changed");
  }

  /** Records what we advertise as a relay (it goes into every record signed from now on). */
  void relayServiceChanged(RelayService service) {
    relayService = service;
    counters.increment("records.relay_service_changed");
  }

  /** True if we advertise a relay service: peers find it only once our record is out in the network. */
  boolean advertisesRelayService() {
    return relayService != null;
  }

  /** True once half our published record's lifetime has passed (never before a first publication). */
  boolean dueForRepublish(long nowMillis) {
    return published != null && nowMillis - published.sequence() > ttl.toMillis() / 2;
  }

  Duration ttl() {
    return ttl;
  }

  // ---- records of others ----

  /**
   * The value as a valid, fresh endpoint record stored under its own key, if it is one (a peer's Store): it may then
   * replace an older copy held here. Its sequence becomes the highest seen only once it is held ({@link #kept}): a
   * record refused by the store's limits must not turn every older copy in the network into a replay for us.
   */
  Optional<EndpointRecord> acceptForStore(byte[] key, byte[] value, long nowMillis) {
    try {
      EndpointRecord record = EndpointRecord.fromBytes(value);
      if (!record.storageKey().equals(Key.of(key))) {
        return Optional.empty();
      }
      record.verify(record.nodeId(), nowMillis, lastSeen(record.nodeId()));
      return Optional.of(record);
    } catch (RecordRejectedException | IllegalArgumentException e) {
      counters.increment("records.rejected");
      return Optional.empty();
    }
  }

  /** The record if it is well-formed, signed by {@code node}'s key, unexpired, and not older than one seen before. */
  Optional<EndpointRecord> verified(NodeId node, byte[] bytes, long nowMillis) {
    try {
      EndpointRecord record = EndpointRecord.fromBytes(bytes);
      record.verify(node, nowMillis, lastSeen(node));
      return Optional.of(record);
    } catch (RecordRejectedException e) {
      counters.increment("records.rejected." + e.reason().name().toLowerCase(Locale.ROOT));
      return Optional.empty();
    }
  }

  /**
   * A check that a value is a valid record of {@code node} for a lookup actor to run: it touches none of this object's
   * state (the replay bound is the one known now), so it is safe on another actor's thread.
   */
  Predicate<byte[]> validator(NodeId node, Clock clock) {
    long bound = lastSeen(node);
    return bytes -> {
      try {
        EndpointRecord.fromBytes(bytes).verify(node, clock.millis(), bound);
        return true;
      } catch (RecordRejectedException | IllegalArgumentException e) {
        return false;
      }
    };
  }

  /**
   * The newest valid record of {@code node} among copies collected from several holders (after a partial update some
   * hold an older sequence); it becomes the highest sequence seen, so older copies count as replays from then on.
   * Without a valid copy, the record this node last resolved to, while unexpired (every copy may be such a replay).
   */
  Optional<EndpointRecord> newest(NodeId node, Collection<byte[]> copies, long nowMillis) {
    EndpointRecord best = null;
    for (byte[] bytes : copies) {
      Optional<EndpointRecord> record = verified(node, bytes, nowMillis);
      if (record.isPresent() && (best == null || record.get().sequence() > best.sequence())) {
        best = record.get();
      }
    }
    if (best != null) {
      seen(best);
      resolved.put(node, best);
      return Optional.of(best);
    }
    EndpointRecord known = resolved.get(node);
    if (known != null && known.expiresAt() > nowMillis) {
      counters.increment("records.resolved_from_cache");
      return Optional.of(known);
    }
    return Optional.empty();
  }

  /** A record accepted by {@link #acceptForStore} is now held here: older sequences are replays from now on. */
  void kept(EndpointRecord record) {
    seen(record);
  }

  private void seen(EndpointRecord record) {
    sequences.merge(record.nodeId(), record.sequence(), Math::max);
  }

  /** The sequence below which a record of {@code node} is a replay: equal to the highest seen is still accepted. */
  private long lastSeen(NodeId node) {
    return sequences.getOrDefault(node, -1L) - 1;
  }
}
