package org.quicmesh.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.RecordRejectedException.Reason;

class EndpointRecordTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final long EXPIRES = NOW + 3_600_000L;
  private static final List<String> ADDRS = List.of("203.0.113.7:4433", "[2001:db8::1]:4433");
  private static final String RELAY_NODE = Keypair.generate().nodeId().toHex();
  private static final List<String> RELAYS = List.of("198.51.100.2:7000", RELAY_NODE + "@198.51.100.3:7000");

  private final Keypair alice = Keypair.generate();
  private final Keypair bob = Keypair.generate();

  private EndpointRecord aliceRecord(long seq) {
    return EndpointRecord.sign(alice, ADDRS, RELAYS, seq, EXPIRES);
  }

  private static final List<AddressKind> KINDS = List.of(AddressKind.HOST, AddressKind.SERVER_REFLEXIVE);

  private EndpointRecord aliceRecord2(long seq, RelayService relayService) {
    return EndpointRecord.sign(alice, ADDRS, KINDS, RELAYS, relayService, seq, EXPIRES);
  }

  @Test
  void aFormat2RecordCarriesEachAddressesKindAndTheRelayServiceThroughItsBytes() throws RecordRejectedException {
    for (RelayService service : java.util.Arrays.asList(null, new RelayService(true, 0),
        new RelayService(false, RelayService.MAX_LOAD_PERMILLE))) {
      EndpointRecord record = aliceRecord2(7, service);
      EndpointRecord decoded = EndpointRecord.fromBytes(record.toBytes());
      assertEquals(record, decoded);
      assertEquals(EndpointRecord.FORMAT_2, decoded.format());
      assertEquals(KINDS, decoded.kinds());
      assertEquals(java.util.Optional.ofNullable(service), decoded.advertisedRelayService());
      assertEquals(List.of(ADDRS.get(1)), decoded.addressesOfKind(AddressKind.SERVER_REFLEXIVE));
      assertEquals(alice.nodeId(), decoded.verify(alice.nodeId(), NOW, 6));
    }
  }

  @Test
  void aRelayServiceWithCapabilitiesRoundTripsSortedAndDistinct() throws RecordRejectedException {
    RelayService service = new RelayService(true, 420, List.of(RelayService.RELAY, RelayService.HOLE_PUNCH,
        RelayService.RELAY));
    assertEquals(List.of("hole-punch/1", "relay/1"), service.capabilities());
    EndpointRecord record = aliceRecord2(9, service);
    byte[] bytes = record.toBytes();
    EndpointRecord decoded = EndpointRecord.fromBytes(bytes);
    assertEquals(record, decoded);
    assertArrayEquals(bytes, decoded.toBytes());
    assertEquals(service, decoded.relayService());
    assertEquals(true, decoded.relayService().offers(RelayService.HOLE_PUNCH));
    assertEquals(alice.nodeId(), decoded.verify(alice.nodeId(), NOW, 8));
    // flag 2, then accepting, load, count 2, "hole-punch/1" (12), "relay/1" (7)
    int serviceAt = bytes.length - 64 - 16 - (1 + 1 + 2 + 1 + 1 + 12 + 1 + 7);
    assertEquals(2, bytes[serviceAt]);
    assertEquals(2, bytes[serviceAt + 4]);
  }

  /**
   * A format 2 record as nodes signed it before capabilities existed (flag 1: accepting and load only), laid out and
   * signed here byte by byte rather than by the encoder under test: it still decodes, with no capabilities, verifies,
   * and re-encodes to the very same bytes.
   */
  @Test
  void aFormat2RecordFromBeforeCapabilitiesStillDecodesAndVerifies() throws RecordRejectedException {
    Keypair carol = TestKeys.fixed(7);
    java.io.ByteArrayOutputStream fields = new java.io.ByteArrayOutputStream();
    fields.writeBytes(carol.publicKey());
    fields.write(1); // one address
    fields.write(AddressKind.HOST.code());
    byte[] address = "203.0.113.9:4433".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    fields.write(address.length);
    fields.writeBytes(address);
    fields.write(0); // no relays
    fields.write(1); // relay service, old layout
    fields.write(1); // accepting
    fields.writeBytes(new byte[] {0x01, 0x2C}); // load 300
    fields.writeBytes(java.nio.ByteBuffer.allocate(16).putLong(5).putLong(EXPIRES).array());
    byte[] domain = (EndpointRecord.SIGNATURE_DOMAIN_V2 + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    java.io.ByteArrayOutputStream signed = new java.io.ByteArrayOutputStream();
    signed.writeBytes(domain);
    signed.writeBytes(fields.toByteArray());
    java.io.ByteArrayOutputStream encoded = new java.io.ByteArrayOutputStream();
    encoded.write(EndpointRecord.FORMAT_2);
    encoded.writeBytes(fields.toByteArray());
    encoded.writeBytes(carol.sign(signed.toByteArray()));
    byte[] old = encoded.toByteArray();

    EndpointRecord decoded = EndpointRecord.fromBytes(old);
    assertEquals(new RelayService(true, 300), decoded.relayService());
    assertEquals(List.of(), decoded.relayService().capabilities());
    assertEquals(carol.nodeId(), decoded.verify(carol.nodeId(), NOW, 4));
    assertArrayEquals(old, decoded.toBytes());
  }

  @Test
  void theDecoderRefusesEmptyUnsortedOrBadCapabilityLists() {
    byte[] good = aliceRecord2(1, new RelayService(true, 10, List.of("a/1", "b/1"))).toBytes();
    int countAt = good.length - 64 - 16 - (1 + 4 + 4);
    assertEquals(2, good[countAt]);
    List<byte[]> damaged = new ArrayList<>();
    byte[] unsorted = good.clone();
    unsorted[countAt + 2] = 'c'; // "c/1" before "b/1"
    damaged.add(unsorted);
    byte[] duplicate = good.clone();
    duplicate[countAt + 6] = 'a'; // "a/1" twice
    damaged.add(duplicate);
    byte[] badChar = good.clone();
    badChar[countAt + 2] = 'A';
    damaged.add(badChar);
    byte[] tooMany = good.clone();
    tooMany[countAt] = (byte) (RelayService.MAX_CAPABILITIES + 1);
    damaged.add(tooMany);
    // flag 2 with no capability: the same service must be written with flag 1, or the encoding is not injective
    byte[] none = aliceRecord2(1, new RelayService(true, 10)).toBytes();
    int flagAt = none.length - 64 - 16 - 4;
    byte[] emptyUnderFlag2 = new byte[none.length + 1];
    System.arraycopy(none, 0, emptyUnderFlag2, 0, flagAt + 4);
    emptyUnderFlag2[flagAt] = 2;
    System.arraycopy(none, flagAt + 4, emptyUnderFlag2, flagAt + 5, none.length - flagAt - 4);
    damaged.add(emptyUnderFlag2);
    for (byte[] input : damaged) {
      RecordRejectedException e = assertThrows(RecordRejectedException.class, () -> EndpointRecord.fromBytes(input));
      assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new RelayService(true, 1, List.of("Relay/1")));
    assertThrows(IllegalArgumentException.class, () -> new RelayService(true, 1, List.of("")));
    assertThrows(IllegalArgumentException.class,
        () -> new RelayService(true, 1, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")));
  }

  @Test
  void aFormat1RecordStillDecodesAndVerifiesWithoutKinds() throws RecordRejectedException {
    EndpointRecord old = EndpointRecord.fromBytes(aliceRecord(3).toBytes());
    assertEquals(EndpointRecord.FORMAT_1, old.format());
    assertEquals(List.of(), old.kinds());
    assertEquals(List.of(), old.addressesOfKind(AddressKind.HOST));
    assertEquals(alice.nodeId(), old.verify(alice.nodeId(), NOW, 2));
  }

  @Test
  void aSignatureVerifiesOnlyUnderTheFormatItWasMadeFor() {
    EndpointRecord v2 = aliceRecord2(4, null);
    EndpointRecord readAsV1 = new EndpointRecord(v2.publicKey(), ADDRS, RELAYS, 4, EXPIRES, v2.signature());
    assertEquals(Reason.BAD_SIGNATURE, rejection(readAsV1, alice.nodeId(), NOW, -1));
    EndpointRecord v1 = aliceRecord(4);
    EndpointRecord readAsV2 = new EndpointRecord(EndpointRecord.FORMAT_2, v1.publicKey(), ADDRS, KINDS, RELAYS, null,
        4, EXPIRES, v1.signature());
    assertEquals(Reason.BAD_SIGNATURE, rejection(readAsV2, alice.nodeId(), NOW, -1));
  }

  @Test
  void tamperingWithAKindOrTheRelayServiceIsBadSignature() {
    EndpointRecord r = aliceRecord2(5, new RelayService(true, 100));
    List<EndpointRecord> variants = List.of(
        new EndpointRecord(2, r.publicKey(), ADDRS, List.of(AddressKind.HOST, AddressKind.HOST), RELAYS,
            r.relayService(), 5, EXPIRES, r.signature()),
        new EndpointRecord(2, r.publicKey(), ADDRS, KINDS, RELAYS, new RelayService(true, 99), 5, EXPIRES,
            r.signature()),
        new EndpointRecord(2, r.publicKey(), ADDRS, KINDS, RELAYS, new RelayService(false, 100), 5, EXPIRES,
            r.signature()),
        new EndpointRecord(2, r.publicKey(), ADDRS, KINDS, RELAYS, null, 5, EXPIRES, r.signature()));
    for (EndpointRecord variant : variants) {
      assertEquals(Reason.BAD_SIGNATURE, rejection(variant, alice.nodeId(), NOW, -1), variant.toString());
    }
  }

  @Test
  void theFormat2DecoderRefusesUnknownKindsFlagsAndLoads() {
    byte[] good = aliceRecord2(1, new RelayService(true, 1000)).toBytes();
    int kindAt = 1 + 32 + 1;
    int serviceAt = good.length - 64 - 16 - 4;
    List<byte[]> damaged = new ArrayList<>();
    byte[] kind = good.clone();
    kind[kindAt] = 3;
    damaged.add(kind);
    byte[] flag = good.clone();
    flag[serviceAt] = 3;
    damaged.add(flag);
    byte[] accepting = good.clone();
    accepting[serviceAt + 1] = 2;
    damaged.add(accepting);
    byte[] load = good.clone();
    load[serviceAt + 3] = (byte) 0xE9; // 1000 = 0x03E8; 0x03E9 = 1001
    damaged.add(load);
    for (byte[] input : damaged) {
      RecordRejectedException e = assertThrows(RecordRejectedException.class, () -> EndpointRecord.fromBytes(input));
      assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new RelayService(true, 1001));
    assertThrows(IllegalArgumentException.class,
        () -> EndpointRecord.sign(alice, ADDRS, List.of(AddressKind.HOST), RELAYS, null, 1, EXPIRES));
  }

  private static Reason rejection(EndpointRecord record, NodeId expected, long now, long lastSeen) {
    return assertThrows(RecordRejectedException.class, () -> record.verify(expected, now, lastSeen)).reason();
  }

  @Test
  void aValidRecordVerifiesAndYieldsItsNodeId() throws RecordRejectedException {
    EndpointRecord record = aliceRecord(5);
    assertEquals(alice.nodeId(), record.verify(alice.nodeId(), NOW, 4));
    assertEquals(alice.nodeId(), record.verify(null, NOW, -1));
    assertEquals(alice.nodeId(), record.nodeId());
    assertEquals(Key.forEndpointRecord(alice.nodeId()), record.storageKey());
  }

  @Test
  void aRecordSignedByAnotherKeyButClaimingAlicesKeyIsBadSignature() {
    EndpointRecord honest = aliceRecord(1);
    EndpointRecord forged = new EndpointRecord(alice.publicKey(), List.of("192.0.2.66:1"), RELAYS, 9, EXPIRES,
        new byte[64]);
    forged = new EndpointRecord(alice.publicKey(), forged.addresses(), RELAYS, 9, EXPIRES,
        bob.sign(forged.signedBytes()));
    assertEquals(Reason.BAD_SIGNATURE, rejection(forged, alice.nodeId(), NOW, -1));
    assertEquals(Reason.BAD_SIGNATURE, rejection(forged, null, NOW, -1));
    // And a genuine signature transplanted onto other content fails too.
    EndpointRecord transplanted = new EndpointRecord(alice.publicKey(), forged.addresses(), RELAYS, 1, EXPIRES,
        honest.signature());
    assertEquals(Reason.BAD_SIGNATURE, rejection(transplanted, alice.nodeId(), NOW, -1));
  }

  @Test
  void aTamperedAddressIsBadSignature() {
    EndpointRecord record = aliceRecord(1);
    List<String> addrs = new ArrayList<>(record.addresses());
    addrs.set(0, "192.0.2.66:4433");
    EndpointRecord tampered = new EndpointRecord(record.publicKey(), addrs, record.relays(), record.sequence(),
        record.expiresAt(), record.signature());
    assertEquals(Reason.BAD_SIGNATURE, rejection(tampered, alice.nodeId(), NOW, -1));
  }

  @Test
  void tamperingWithAnySignedFieldIsBadSignature() {
    EndpointRecord r = aliceRecord(3);
    List<EndpointRecord> variants = List.of(
        new EndpointRecord(r.publicKey(), List.of(ADDRS.get(1), ADDRS.get(0)), r.relays(), 3, EXPIRES, r.signature()),
        new EndpointRecord(r.publicKey(), ADDRS, List.of(), 3, EXPIRES, r.signature()),
        new EndpointRecord(r.publicKey(), ADDRS, RELAYS, 4, EXPIRES, r.signature()),
        new EndpointRecord(r.publicKey(), ADDRS, RELAYS, 3, EXPIRES + 1, r.signature()),
        // Moving an entry from addresses to relays must not keep the signature valid.
        new EndpointRecord(r.publicKey(), List.of(ADDRS.get(0)), List.of(ADDRS.get(1), RELAYS.get(0), RELAYS.get(1)),
            3, EXPIRES, r.signature()));
    for (EndpointRecord v : variants) {
      assertEquals(Reason.BAD_SIGNATURE, rejection(v, alice.nodeId(), NOW, -1), v.toString());
    }
    byte[] sig = r.signature();
    sig[10] ^= 1;
    assertEquals(Reason.BAD_SIGNATURE,
        rejection(new EndpointRecord(r.publicKey(), ADDRS, RELAYS, 3, EXPIRES, sig), alice.nodeId(), NOW, -1));
  }

  @Test
  void anExpiredRecordIsRejected() {
    EndpointRecord record = aliceRecord(1);
    assertEquals(Reason.EXPIRED, rejection(record, alice.nodeId(), EXPIRES, -1));
    assertEquals(Reason.EXPIRED, rejection(record, alice.nodeId(), EXPIRES + 1, -1));
  }

  @Test
  void aRecordForAnotherNodeIsWrongKey() {
    EndpointRecord record = aliceRecord(1);
    RecordRejectedException e =
        assertThrows(RecordRejectedException.class, () -> record.verify(bob.nodeId(), NOW, -1));
    assertEquals(Reason.WRONG_KEY, e.reason());
    // Bob's own valid record cannot be passed off as Alice's either.
    EndpointRecord bobs = EndpointRecord.sign(bob, ADDRS, RELAYS, 1, EXPIRES);
    assertEquals(Reason.WRONG_KEY, rejection(bobs, alice.nodeId(), NOW, -1));
  }

  @Test
  void anEqualOrLowerSequenceIsReplayed() throws RecordRejectedException {
    EndpointRecord record = aliceRecord(7);
    assertEquals(Reason.REPLAYED, rejection(record, alice.nodeId(), NOW, 7));
    assertEquals(Reason.REPLAYED, rejection(record, alice.nodeId(), NOW, 8));
    record.verify(alice.nodeId(), NOW, 6);
    assertEquals(Reason.REPLAYED, rejection(aliceRecord(0), alice.nodeId(), NOW, 0));
    aliceRecord(0).verify(alice.nodeId(), NOW, -1);
  }

  @Test
  void toBytesFromBytesRoundTripsExactly() throws RecordRejectedException {
    for (EndpointRecord r : List.of(aliceRecord(1), EndpointRecord.sign(alice, List.of(), List.of(), 0, 1),
        EndpointRecord.sign(alice, ADDRS, List.of(), Long.MAX_VALUE, Long.MAX_VALUE))) {
      byte[] bytes = r.toBytes();
      EndpointRecord decoded = EndpointRecord.fromBytes(bytes);
      assertEquals(r, decoded);
      assertArrayEquals(bytes, decoded.toBytes());
    }
    aliceRecord(1).verify(alice.nodeId(), NOW, -1);
    EndpointRecord.fromBytes(aliceRecord(2).toBytes()).verify(alice.nodeId(), NOW, 1);
  }

  @Test
  void aRecordAtEveryLimitFitsTheEncodingBound() throws RecordRejectedException {
    List<String> addrs = new ArrayList<>();
    List<String> relays = new ArrayList<>();
    String longV6 = "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535";
    for (int i = 0; i < EndpointRecord.MAX_ADDRESSES; i++) {
      addrs.add(longV6);
    }
    for (int i = 0; i < EndpointRecord.MAX_RELAYS; i++) {
      relays.add(RELAY_NODE + "@" + longV6);
    }
    List<AddressKind> kinds = Collections.nCopies(addrs.size(), AddressKind.RELAYED);
    for (EndpointRecord big : List.of(EndpointRecord.sign(alice, addrs, relays, 1, EXPIRES),
        EndpointRecord.sign(alice, addrs, kinds, relays, new RelayService(true, 1000), 1, EXPIRES))) {
      byte[] bytes = big.toBytes();
      assertEquals(big, EndpointRecord.fromBytes(bytes));
      big.verify(alice.nodeId(), NOW, -1);
      if (bytes.length > EndpointRecord.MAX_ENCODED_SIZE) {
        fail(bytes.length + " > " + EndpointRecord.MAX_ENCODED_SIZE);
      }
    }
  }

  @Test
  void signRefusesRecordsBeyondTheLimits() {
    List<String> tooMany = Collections.nCopies(EndpointRecord.MAX_ADDRESSES + 1, "192.0.2.1:1");
    assertThrows(IllegalArgumentException.class, () -> EndpointRecord.sign(alice, tooMany, RELAYS, 1, EXPIRES));
    for (String bad : List.of("example.com:80", "192.0.2.1", "192.0.2.1:0", "192.0.2.1:65536", "192.0.2.256:1",
        "[fe80::1%eth0]:1", "[::1:1", "01.2.3.4:5", "1.2.3.4:080", "", "[1.2.3.4]:5", "x".repeat(65))) {
      assertThrows(IllegalArgumentException.class,
          () -> EndpointRecord.sign(alice, List.of(bad), List.of(), 1, EXPIRES), bad);
    }
    for (String bad : List.of("ABCD@192.0.2.1:1", RELAY_NODE.toUpperCase() + "@192.0.2.1:1", RELAY_NODE + "@")) {
      assertThrows(IllegalArgumentException.class,
          () -> EndpointRecord.sign(alice, List.of(), List.of(bad), 1, EXPIRES), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> EndpointRecord.sign(alice, ADDRS, RELAYS, -1, EXPIRES));
    assertThrows(IllegalArgumentException.class, () -> EndpointRecord.sign(alice, null, RELAYS, 1, EXPIRES));
  }

  @Test
  void fromBytesRejectsStructuralDamageAsMalformed() {
    byte[] good = aliceRecord(1).toBytes();
    List<byte[]> damaged = new ArrayList<>();
    damaged.add(new byte[0]);
    damaged.add(null);
    damaged.add(java.util.Arrays.copyOf(good, good.length - 1));
    damaged.add(java.util.Arrays.copyOf(good, good.length + 1));
    byte[] version = good.clone();
    version[0] = 3;
    damaged.add(version);
    byte[] readAsFormat2 = good.clone();
    readAsFormat2[0] = 2; // its first address length then reads as an unknown kind code
    damaged.add(readAsFormat2);
    byte[] count = good.clone();
    count[33] = (byte) (EndpointRecord.MAX_ADDRESSES + 1);
    damaged.add(count);
    byte[] address = good.clone();
    address[35] = 'x'; // first address byte: not an IP literal any more
    damaged.add(address);
    damaged.add(new byte[EndpointRecord.MAX_ENCODED_SIZE + 1]);
    for (byte[] input : damaged) {
      RecordRejectedException e =
          assertThrows(RecordRejectedException.class, () -> EndpointRecord.fromBytes(input));
      assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
    }
  }

  @Test
  void fromBytesOnRandomOrMutatedInputOnlyEverThrowsMalformed() {
    Random random = new Random(42);
    byte[][] goods = {aliceRecord(1).toBytes(), aliceRecord2(1, new RelayService(true, 250)).toBytes(),
        aliceRecord2(1, new RelayService(true, 250, RelayService.CURRENT)).toBytes()};
    for (int i = 0; i < 10000; i++) {
      byte[] good = goods[i % 4 < 2 ? 0 : 1 + i % 8 / 4];
      byte[] input;
      if (i % 2 == 0) {
        input = new byte[random.nextInt(600)];
        random.nextBytes(input);
        if (i % 4 == 0 && input.length > 0) {
          input[0] = (byte) (1 + random.nextInt(2)); // get past the format byte more often
        }
      } else {
        input = good.clone();
        for (int m = 1 + random.nextInt(3); m > 0; m--) {
          input[random.nextInt(input.length)] = (byte) random.nextInt(256);
        }
        if (random.nextInt(4) == 0) {
          input = java.util.Arrays.copyOf(input, random.nextInt(input.length + 8));
        }
      }
      try {
        EndpointRecord r = EndpointRecord.fromBytes(input);
        // Whatever decodes is canonical: it re-encodes to the same bytes.
        assertArrayEquals(input, r.toBytes());
      } catch (RecordRejectedException e) {
        assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
      } catch (RuntimeException e) {
        fail("input " + i + " threw " + e, e);
      }
    }
  }

  @Test
  void jacksonCborRoundTripsTheRecordWithExactlyItsFields() throws Exception {
    CBORMapper mapper = new CBORMapper();
    for (EndpointRecord record : List.of(aliceRecord(4), aliceRecord2(4, new RelayService(true, 5)),
        aliceRecord2(4, new RelayService(true, 5, RelayService.CURRENT)))) {
      byte[] cbor = mapper.writeValueAsBytes(record);
      JsonNode tree = mapper.readTree(cbor);
      Set<String> names = new TreeSet<>();
      tree.fieldNames().forEachRemaining(names::add);
      assertEquals(new TreeSet<>(List.of("format", "publicKey", "addresses", "kinds", "relays", "relayService",
          "sequence", "expiresAt", "signature")), names);
      EndpointRecord decoded = mapper.readValue(cbor, EndpointRecord.class);
      assertEquals(record, decoded);
      decoded.verify(alice.nodeId(), NOW, -1);
    }
  }

  @Test
  void jacksonRefusesAStructurallyInvalidRecord() throws Exception {
    CBORMapper mapper = new CBORMapper();
    var tree = mapper.valueToTree(aliceRecord(4));
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("publicKey", new byte[5]);
    byte[] cbor = mapper.writeValueAsBytes(tree);
    assertThrows(com.fasterxml.jackson.core.JacksonException.class,
        () -> mapper.readValue(cbor, EndpointRecord.class));
  }
}
