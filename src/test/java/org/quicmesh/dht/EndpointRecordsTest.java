package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicmesh.actor.Counters;
import org.quicmesh.identity.AddressKind;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.Keypair;

/** Our own endpoint record and the verification and choice of others' records, without actors or network. */
class EndpointRecordsTest {
  private static final long NOW = 1_000_000_000L;
  private static final Duration TTL = Duration.ofHours(1);
  private static final InetSocketAddress ADDR = new InetSocketAddress("10.0.0.1", 4000);
  private final Keypair them = keypair(2);
  private final Counters counters = new Counters();
  private final EndpointRecords records = new EndpointRecords(keypair(1), List.of(ADDR), TTL, counters);

  private static Keypair keypair(int n) {
    byte[] secret = new byte[32];
    secret[0] = (byte) n;
    return Keypair.fromSecret(secret);
  }

  private EndpointRecord theirs(long sequence) {
    return EndpointRecord.sign(them, List.of("10.0.0.2:" + (4000 + sequence % 1000)), List.of(), sequence,
        NOW + TTL.toMillis());
  }

  @Test
  void ourRecordCarriesOurAddressesAndAStrictlyRisingTimestampSequence() {
    EndpointRecord first = records.signNext(NOW);
    assertEquals(List.of("10.0.0.1:4000"), first.addresses());
    assertEquals(List.of(AddressKind.HOST), first.kinds());
    assertEquals(EndpointRecord.FORMAT_2, first.format());
    assertEquals(NOW, first.sequence());
    assertEquals(NOW + TTL.toMillis(), first.expiresAt());
    assertEquals(NOW + 1, records.signNext(NOW).sequence(), "same millisecond: still newer");
    assertEquals(2, counters.get("records.published"));
  }

  @Test
  void aRelaysAdvertisementGoesIntoEveryRecordSignedAfterIt() {
    assertFalse(records.advertisesRelayService());
    assertEquals(null, records.signNext(NOW).relayService());
    org.quicmesh.identity.RelayService service =
        new org.quicmesh.identity.RelayService(true, 120, org.quicmesh.identity.RelayService.CURRENT);
    records.relayServiceChanged(service);
    assertTrue(records.advertisesRelayService());
    assertEquals(service, records.signNext(NOW + 1).relayService());
    assertEquals(service, records.signNext(NOW + 2).relayService(), "kept until it changes");
    assertEquals(1, counters.get("records.relay_service_changed"));
  }

  @Test
  void republishIsDueAtHalfTheLifetimeAndOnAddressChangeOnlyOncePublished() {
    InetSocketAddress moved = new InetSocketAddress("10.0.0.9", 4000);
    assertFalse(records.dueForRepublish(NOW + TTL.toMillis()), "never published");
    assertFalse(records.addressesChanged(List.of(moved), List.of()), "nothing published to update");
    EndpointRecord record = records.signNext(NOW);
    assertEquals(List.of("10.0.0.9:4000"), record.addresses(), "the change was remembered");
    assertFalse(records.dueForRepublish(NOW + TTL.toMillis() / 2));
    assertTrue(records.dueForRepublish(NOW + TTL.toMillis() / 2 + 1));
    assertFalse(records.addressesChanged(List.of(moved), List.of()), "unchanged");
    assertFalse(records.addressesChanged(List.of(), List.of()), "no addresses is not a change");
    assertTrue(records.addressesChanged(List.of(ADDR), List.of()));
  }

  @Test
  void mappedAddressesAreListedAfterOurOwnAsServerReflexive() {
    InetSocketAddress mapped = new InetSocketAddress("198.51.100.7", 61000);
    records.signNext(NOW);
    assertTrue(records.addressesChanged(List.of(ADDR), List.of(mapped, ADDR)));
    EndpointRecord record = records.signNext(NOW + 1);
    assertEquals(List.of("10.0.0.1:4000", "198.51.100.7:61000"), record.addresses(), "each address once");
    assertEquals(List.of(AddressKind.HOST, AddressKind.SERVER_REFLEXIVE), record.kinds());
    assertEquals(List.of("198.51.100.7:61000"), record.addressesOfKind(AddressKind.SERVER_REFLEXIVE));
  }

  @Test
  void aStoredRecordMustSitUnderItsOwnKeyAndNotBeOlderThanOneSeen() {
    EndpointRecord newer = theirs(NOW + 5);
    byte[] key = newer.storageKey().bytes();
    assertTrue(records.acceptForStore(key, newer.toBytes(), NOW).isPresent());
    assertTrue(records.acceptForStore(key, theirs(NOW + 1).toBytes(), NOW).isPresent(), "newer one not kept yet");
    records.kept(newer);
    assertTrue(records.acceptForStore(key, newer.toBytes(), NOW).isPresent(), "the same sequence again is fine");
    assertTrue(records.acceptForStore(key, theirs(NOW + 1).toBytes(), NOW).isEmpty(), "replayed");
    assertTrue(records.acceptForStore(new byte[32], theirs(NOW + 9).toBytes(), NOW).isEmpty(), "wrong key");
    assertTrue(records.acceptForStore(key, new byte[] {1, 2}, NOW).isEmpty(), "not a record");
    assertTrue(records.acceptForStore(key, theirs(NOW + 9).toBytes(), NOW + TTL.toMillis()).isEmpty(), "expired");
    assertEquals(3, counters.get("records.rejected"), "replayed, not a record, expired (a foreign key is no record)");
  }

  @Test
  void aRecordTheStoreRefusedDoesNotTurnOlderCopiesIntoReplays() {
    EndpointRecord older = theirs(NOW + 1);
    EndpointRecord refused = theirs(NOW + 5);
    assertTrue(records.acceptForStore(refused.storageKey().bytes(), refused.toBytes(), NOW).isPresent());
    // The store refused it (rate limit, quota): the older copies that holders still serve must stay resolvable.
    assertEquals(NOW + 1, records.newest(them.nodeId(), List.of(older.toBytes()), NOW).orElseThrow().sequence());
  }

  @Test
  void whenEveryCopyFoundIsOlderThanTheRecordResolvedBeforeThatOneIsStillTheAnswer() {
    EndpointRecord newer = theirs(NOW + 5);
    assertEquals(newer, records.newest(them.nodeId(), List.of(newer.toBytes()), NOW).orElseThrow());
    // The holders reached now missed that update: their copy is a replay to us, the one we verified is not.
    assertEquals(newer, records.newest(them.nodeId(), List.of(theirs(NOW + 1).toBytes()), NOW).orElseThrow());
    assertEquals(1, counters.get("records.resolved_from_cache"));
    assertTrue(records.newest(them.nodeId(), List.of(), newer.expiresAt()).isEmpty(), "not once it expired");
  }

  @Test
  void theNewestOfSeveralCollectedCopiesWinsAndOlderOnesBecomeReplays() {
    EndpointRecord old = theirs(NOW + 1);
    EndpointRecord newest = theirs(NOW + 3);
    byte[] forged = theirs(NOW + 7).toBytes();
    forged[forged.length - 1] ^= 1;
    EndpointRecord resolved = records.newest(them.nodeId(),
        List.of(old.toBytes(), newest.toBytes(), forged, theirs(NOW + 2).toBytes()), NOW).orElseThrow();
    assertEquals(NOW + 3, resolved.sequence());
    assertTrue(records.verified(them.nodeId(), old.toBytes(), NOW).isEmpty(), "older than the one resolved");
    assertEquals(1, counters.get("records.rejected.replayed"));
    assertEquals(NOW + 3, records.newest(them.nodeId(), List.of(forged), NOW).orElseThrow().sequence(),
        "a forged copy never wins: the record resolved before stands");
    assertTrue(new EndpointRecords(keypair(1), List.of(ADDR), TTL, new Counters()).newest(them.nodeId(), List.of(forged), NOW).isEmpty(),
        "with nothing resolved before, a forged copy is no record");
  }

  @Test
  void theLookupValidatorIsFixedWhenMadeAndCountsNothing() {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    records.newest(them.nodeId(), List.of(theirs(NOW + 3).toBytes()), NOW);
    var valid = records.validator(them.nodeId(), clock);
    assertTrue(valid.test(theirs(NOW + 3).toBytes()));
    assertFalse(valid.test(theirs(NOW + 2).toBytes()), "replayed");
    assertFalse(records.validator(keypair(3).nodeId(), clock).test(theirs(NOW + 4).toBytes()), "someone else's");
    assertFalse(valid.test(new byte[] {1}));
    assertEquals(0, counters.snapshot().keySet().stream().filter(k -> k.startsWith("records.rejected")).count());
  }
}
