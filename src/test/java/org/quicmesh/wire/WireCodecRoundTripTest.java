package org.quicmesh.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WireCodecRoundTripTest {
  static List<Message> typical() {
    return MessageSamples.typical();
  }

  static List<Message> largest() {
    return MessageSamples.largest();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("typical")
  void everyMessageSurvivesEncodeAndDecode(Message message) throws WireFormatException {
    Message decoded = WireCodec.decode(WireCodec.encode(message));
    assertNotSame(message, decoded);
    assertEquals(message, decoded);
    assertEquals(message.hashCode(), decoded.hashCode());
    assertEquals(message.toString(), decoded.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("largest")
  void theLargestLegalMessagesFitInOneFrame(Message message) throws WireFormatException {
    byte[] body = WireCodec.encode(message);
    assertTrue(body.length <= Limits.MAX_FRAME_BYTES, body.length + " bytes");
    assertEquals(message, WireCodec.decode(body));
  }

  @Test
  void everyMessageRecordHasASample() {
    Set<String> records = new TreeSet<>();
    Deque<Class<?>> todo = new ArrayDeque<>(List.of(Message.class));
    while (!todo.isEmpty()) {
      Class<?> type = todo.pop();
      if (type.isSealed()) {
        todo.addAll(List.of(type.getPermittedSubclasses()));
      } else {
        assertTrue(type.isRecord(), type + " should be a record");
        records.add(type.getSimpleName());
      }
    }
    Set<String> sampled = MessageSamples.typical().stream()
        .map(m -> m.getClass().getSimpleName()).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(records, sampled);
    assertEquals(records.size(), MessageSamples.typical().size(), "one sample per record");
  }

  @Test
  void everyMessageRecordIsRegisteredUnderItsSimpleName() {
    com.fasterxml.jackson.annotation.JsonSubTypes subTypes =
        Message.class.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class);
    Set<String> registered = new TreeSet<>();
    for (var type : subTypes.value()) {
      assertEquals(type.value().getSimpleName(), type.name());
      registered.add(type.name());
    }
    Set<String> sampled = MessageSamples.typical().stream()
        .map(m -> m.getClass().getSimpleName()).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(sampled, registered);
  }

  @Test
  void decodingAsAFamilyRefusesAnotherFamily() throws WireFormatException {
    byte[] ack = WireCodec.encode(new Ack());
    assertEquals(new Ack(), WireCodec.decode(ack, Response.class));
    assertThrows(WireFormatException.class, () -> WireCodec.decode(ack, Request.class));
  }

  @Test
  void aTypicalRequestIsCompact() {
    // Short type names and binary ids keep an RPC small: a Ping is one contact plus a little framing.
    assertTrue(WireCodec.encode(new Ping(MessageSamples.ME)).length < 80);
  }

  @Test
  void decodedListsAreImmutable() throws WireFormatException {
    Nodes nodes = (Nodes) WireCodec.decode(WireCodec.encode(new Nodes(List.of(MessageSamples.ME))));
    assertThrows(UnsupportedOperationException.class, () -> nodes.nodes().clear());
  }
}
