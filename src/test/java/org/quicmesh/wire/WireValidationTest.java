package org.quicmesh.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile encodings built with a generic CBOR writer (plain maps, no records): every violated constraint must come out
 * of {@link WireCodec#decode} as a {@link WireFormatException} that names the problem.
 */
class WireValidationTest {
  private static final CBORMapper PLAIN = new CBORMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  private static final Publish PUBLISH = new Publish("chat", new byte[32], 1, new byte[1], new byte[64]);

  /** The generic-map form of a valid message, to be corrupted one field at a time. */
  static Map<String, Object> tree(Message message) {
    try {
      return PLAIN.readValue(WireCodec.encode(message), MAP);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] cbor(Object value) {
    try {
      return PLAIN.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] mutated(Message message, Consumer<Map<String, Object>> change) {
    Map<String, Object> tree = tree(message);
    change.accept(tree);
    return cbor(tree);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> field(Map<String, Object> tree, String name) {
    return (Map<String, Object>) tree.get(name);
  }

  static List<Object> repeat(int n, java.util.function.IntFunction<Object> element) {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(element.apply(i));
    }
    return list;
  }

  static DialBack dialBack(Contact me) {
    return new DialBack(me, DialBack.Source.OTHER_PORT, new byte[16], List.of("10.0.0.1"));
  }

  static Arguments reject(String name, String fragment, byte[] encoded) {
    return Arguments.of(name, fragment, encoded);
  }

  static Stream<Arguments> hostileInputs() {
    Contact me = MessageSamples.ME;
    Map<String, Object> contactTree = tree(new Ping(me));
    Map<String, Object> validContact = field(contactTree, "from");
    byte[] id31 = new byte[31];
    return Stream.of(
        reject("null contact", "from", mutated(new Ping(me), t -> t.put("from", null))),
        reject("missing contact", "from", mutated(new Ping(me), t -> t.remove("from"))),
        reject("null id in contact", "id", mutated(new Ping(me), t -> field(t, "from").put("id", null))),
        reject("31-byte contact id", "32 bytes", mutated(new Ping(me), t -> field(t, "from").put("id", id31))),
        reject("contact host name instead of IP", "literal IP",
            mutated(new Ping(me), t -> field(t, "from").put("address", "example.com:80"))),
        reject("contact with non-ASCII digits", "literal IP",
            mutated(new Ping(me), t -> field(t, "from").put("address", "\u0661\u0660.0.0.1:80"))),
        reject("contact port with a sign", "port",
            mutated(new Ping(me), t -> field(t, "from").put("address", "10.0.0.1:+80"))),
        reject("topic as invalid UTF-8", "Unicode", invalidUtf8Topic()),
        reject("contact port out of range", "port",
            mutated(new Ping(me), t -> field(t, "from").put("address", "10.0.0.1:70000"))),
        reject("31-byte FindNode target", "32 bytes",
            mutated(new FindNode(me, MessageSamples.id(1)), t -> t.put("target", id31))),
        reject("missing FindNode target", "target",
            mutated(new FindNode(me, MessageSamples.id(1)), t -> t.remove("target"))),
        reject("31-byte FindValue key", "key", mutated(new FindValue(me, new byte[32]), t -> t.put("key", id31))),
        reject("33-byte Store key", "key",
            mutated(new Store(me, new byte[32], new byte[1], 1), t -> t.put("key", new byte[33]))),
        reject("Store value of 64 KiB + 1", "value",
            mutated(new Store(me, new byte[32], new byte[1], 1),
                t -> t.put("value", new byte[Limits.MAX_VALUE_BYTES + 1]))),
        reject("Value of 64 KiB + 1", "value",
            mutated(new Value(new byte[1]), t -> t.put("value", new byte[Limits.MAX_VALUE_BYTES + 1]))),
        reject("Store ttl of zero", "ttlMillis",
            mutated(new Store(me, new byte[32], new byte[1], 1), t -> t.put("ttlMillis", 0))),
        reject("Store ttl above the maximum", "ttlMillis",
            mutated(new Store(me, new byte[32], new byte[1], 1), t -> t.put("ttlMillis", Limits.MAX_TTL_MILLIS + 1))),
        reject("33 contacts", "nodes",
            mutated(new Nodes(List.of()), t -> t.put("nodes", repeat(33, i -> validContact)))),
        reject("null contact in a list", "nodes",
            mutated(new Nodes(List.of()), t -> t.put("nodes", Arrays.asList(validContact, null)))),
        reject("17 candidates", "candidates",
            mutated(new ReachMe(me, List.of()), t -> t.put("candidates", repeat(17, i -> "10.0.0.1:1")))),
        reject("candidate with a host name", "literal IP",
            mutated(new ReachMe(me, List.of()), t -> t.put("candidates", List.of("localhost:1")))),
        reject("YourAddr not host:port", "address",
            mutated(new YourAddr("10.0.0.1:1"), t -> t.put("address", "10.0.0.1"))),
        reject("15-byte dial-back nonce", "nonce",
            mutated(dialBack(me), t -> t.put("nonce", new byte[15]))),
        reject("65 IPs to avoid", "avoid",
            mutated(dialBack(me), t -> t.put("avoid", repeat(65, i -> "10.0.0.1")))),
        reject("dial-back avoiding a host name", "literal IP",
            mutated(dialBack(me), t -> t.put("avoid", List.of("localhost")))),
        reject("dial-back without a source", "source", mutated(dialBack(me), t -> t.remove("source"))),
        reject("relayed dial-back to an address without port", "to",
            mutated(new DialBackRelay(me, "10.0.0.1:1", new byte[16]), t -> t.put("to", "10.0.0.1"))),
        reject("PathReply address too long", "observedAddress",
            mutated(new PathReply(1, 1, "10.0.0.1:1"), t -> t.put("observedAddress", "1".repeat(65)))),
        reject("relay payload of 64 KiB + 1", "payload",
            mutated(new RelayForward(me, 1, new byte[1]),
                t -> t.put("payload", new byte[Limits.MAX_RELAY_PAYLOAD_BYTES + 1]))),
        reject("topic of 257 characters", "topic", mutated(new Subscribe("a"), t -> t.put("topic", "x".repeat(257)))),
        reject("empty topic", "topic", mutated(new Graft("a"), t -> t.put("topic", ""))),
        reject("63-byte signature", "signature",
            mutated(PUBLISH, t -> t.put("signature", new byte[63]))),
        reject("33-byte origin", "origin",
            mutated(PUBLISH, t -> t.put("origin", new byte[33]))),
        reject("publish payload of 64 KiB + 1", "payload",
            mutated(PUBLISH, t -> t.put("payload", new byte[Limits.MAX_PUBLISH_PAYLOAD_BYTES + 1]))),
        reject("5,001 message ids", "messageIds",
            mutated(new IWant(List.of()), t -> t.put("messageIds", repeat(5001, i -> new byte[8])))),
        reject("41-byte message id", "message id",
            mutated(new IHave("a", List.of()), t -> t.put("messageIds", List.of(new byte[41])))),
        reject("empty message id", "message id",
            mutated(new IHave("a", List.of()), t -> t.put("messageIds", List.of(new byte[0])))),
        reject("hold times not one per message id", "heldMillis",
            mutated(new IHave("a", List.of(new byte[8])), t -> t.put("heldMillis", List.of(1, 2)))),
        reject("negative hold time", "heldMillis",
            mutated(new IHave("a", List.of(new byte[8])), t -> t.put("heldMillis", List.of(-1)))),
        reject("hold time beyond the seen-cache's 2 minutes", "heldMillis",
            mutated(new IHave("a", List.of(new byte[8])), t -> t.put("heldMillis", List.of(120_001)))),
        reject("IHave without its hold-time list", "heldMillis",
            mutated(new IHave("a", List.of()), t -> t.remove("heldMillis"))),
        reject("negative prune backoff", "backoffMillis",
            mutated(new Prune("a", List.of(), 0), t -> t.put("backoffMillis", -1))),
        reject("rejection detail of 257 characters", "detail",
            mutated(new Rejected(Rejected.Reason.INTERNAL, ""), t -> t.put("detail", "d".repeat(257)))),
        reject("null rejection reason", "reason",
            mutated(new Rejected(Rejected.Reason.INTERNAL, ""), t -> t.put("reason", null))),
        reject("unknown property", "extra", mutated(new Ping(me), t -> t.put("extra", 1))),
        reject("unknown type name", "Teleport", mutated(new Ping(me), t -> t.put("t", "Teleport"))),
        reject("type name of an interface", "Request", mutated(new Ping(me), t -> t.put("t", "Request"))),
        reject("missing type name", "type id", mutated(new Ping(me), t -> t.remove("t"))),
        reject("numeric type name", "", mutated(new Ping(me), t -> t.put("t", 7))),
        reject("string for a long", "sessionId", mutated(new RelayClose(me, 1), t -> t.put("sessionId", "5"))),
        reject("float for a long", "", mutated(new RelayClose(me, 1), t -> t.put("sessionId", 1.5))),
        reject("null for a long", "sessionId", mutated(new RelayClose(me, 1), t -> t.put("sessionId", null))),
        reject("missing long", "sessionId", mutated(new RelayClose(me, 1), t -> t.remove("sessionId"))),
        reject("base64 text for a key", "", mutated(new FindValue(me, new byte[32]),
            t -> t.put("key", Base64.getEncoder().encodeToString(new byte[32])))),
        reject("base64 text for a node id", "", mutated(new FindNode(me, MessageSamples.id(1)),
            t -> t.put("target", Base64.getEncoder().encodeToString(new byte[32])))),
        reject("numbers for a key", "",
            mutated(new FindValue(me, new byte[32]), t -> t.put("key", repeat(32, i -> 1)))),
        reject("object for a contact list", "", mutated(new Nodes(List.of()), t -> t.put("nodes", Map.of("a", 1)))),
        reject("array at top level", "", cbor(List.of("Ping"))),
        reject("integer at top level", "", cbor(5)),
        reject("null at top level", "", cbor(null)),
        reject("trailing second message", "", concat(WireCodec.encode(new Ack()), WireCodec.encode(new Ack()))),
        reject("empty input", "empty", new byte[0]),
        reject("duplicate key", "Duplicate", duplicateKeyPing()),
        reject("deep nesting", "nesting", deepNesting(10_000)),
        reject("byte string declaring 2^62 bytes", "", hugeByteString()),
        reject("map declaring 2^31 entries", "",
            new byte[] {(byte) 0xba, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
  }

  /** {"t":"Subscribe","topic": text string of the bytes ED B1 97 (a UTF-8-encoded lone low surrogate)}. */
  static byte[] invalidUtf8Topic() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xa2);
    out.writeBytes(new byte[] {0x61, 't', 0x69, 'S', 'u', 'b', 's', 'c', 'r', 'i', 'b', 'e'});
    out.writeBytes(new byte[] {0x65, 't', 'o', 'p', 'i', 'c'});
    out.writeBytes(new byte[] {0x63, (byte) 0xed, (byte) 0xb1, (byte) 0x97});
    return out.toByteArray();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** {"t":"Ack","t":"Ack"}: a generic map cannot hold it, so write the CBOR by hand. */
  static byte[] duplicateKeyPing() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xa2);
    for (int i = 0; i < 2; i++) {
      out.writeBytes(new byte[] {0x61, 't', 0x63, 'A', 'c', 'k'});
    }
    return out.toByteArray();
  }

  /**
   * {"from": [[[...0...]]], "t": "Ping"}: the type id comes last, so Jackson must buffer the deep value before it can
   * even pick a record; only the parser's nesting limit stops it.
   */
  static byte[] deepNesting(int depth) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xa2);
    out.writeBytes(new byte[] {0x64, 'f', 'r', 'o', 'm'});
    for (int i = 0; i < depth; i++) {
      out.write(0x81); // array of one element
    }
    out.write(0x00);
    out.writeBytes(new byte[] {0x61, 't', 0x64, 'P', 'i', 'n', 'g'});
    return out.toByteArray();
  }

  /** {"t":"Value","value": <byte string whose header declares 2^62 bytes>} followed by a few bytes. */
  static byte[] hugeByteString() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xa2);
    out.writeBytes(new byte[] {0x61, 't', 0x65, 'V', 'a', 'l', 'u', 'e'});
    out.writeBytes(new byte[] {0x65, 'v', 'a', 'l', 'u', 'e'});
    out.writeBytes(new byte[] {0x5b, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});
    return out.toByteArray();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileInputs")
  void hostileInputIsRejectedWithAWireFormatException(String name, String fragment, byte[] encoded) {
    WireFormatException e = assertThrows(WireFormatException.class, () -> WireCodec.decode(encoded));
    assertTrue(e.getMessage().contains(fragment), () -> "message should mention '" + fragment + "': " + e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.quicmesh.wire.MessageSamples#typical")
  void aGenericWritersEncodingOfAValidMessageIsAccepted(Message message) throws WireFormatException {
    assertEquals(message, WireCodec.decode(cbor(tree(message))));
  }

  @Test
  void fieldsMayComeInAnyOrderIncludingTheTypeLast() throws WireFormatException {
    Map<String, Object> tree = tree(new FindNode(MessageSamples.ME, MessageSamples.id(3)));
    Map<String, Object> reordered = new LinkedHashMap<>();
    reordered.put("target", tree.get("target"));
    reordered.put("from", tree.get("from"));
    reordered.put("t", tree.get("t"));
    assertEquals(new FindNode(MessageSamples.ME, MessageSamples.id(3)), WireCodec.decode(cbor(reordered)));
  }

  @Test
  void aRejectionReasonFromANewerPeerReadsAsOther() throws WireFormatException {
    byte[] encoded = mutated(new Rejected(Rejected.Reason.INTERNAL, "x"), t -> t.put("reason", "SOLAR_FLARE"));
    assertEquals(new Rejected(Rejected.Reason.OTHER, "x"), WireCodec.decode(encoded));
  }

  @Test
  void constructorsRejectInvalidFieldsLocallyToo() {
    List<Executable> invalid = List.of(
        () -> new Subscribe("a\udc57b"),
        () -> new Ping(null),
        () -> new FindValue(MessageSamples.ME, new byte[31]),
        () -> new Store(MessageSamples.ME, new byte[32], new byte[Limits.MAX_VALUE_BYTES + 1], 1),
        () -> new Subscribe("x".repeat(Limits.MAX_TOPIC_CHARS + 1)),
        () -> new Publish("t", new byte[32], 1, new byte[0], new byte[63]),
        () -> new HolePunchReady(List.of("not an address")),
        () -> new IWant(Arrays.asList(new byte[1], null)));
    for (Executable construction : invalid) {
      RuntimeException e = assertThrows(RuntimeException.class, construction);
      assertTrue(e instanceof IllegalArgumentException || e instanceof NullPointerException, e.toString());
    }
  }
}
