package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.quicmesh.wire.Limits;
import org.quicmesh.wire.Publish;

class MessageIdTest {

  @Test
  void idIsOriginKeyFollowedByBigEndianSeqno() {
    Publish m = PubSubTestData.message("t", 0x0102030405060708L);
    byte[] id = MessageId.of(m).bytes();
    assertEquals(40, id.length);
    assertEquals(Limits.MAX_MESSAGE_ID_BYTES, MessageId.BYTES);
    assertArrayEquals(m.origin(), java.util.Arrays.copyOf(id, 32));
    assertEquals(0x0102030405060708L, ByteBuffer.wrap(id, 32, 8).getLong());
    assertEquals("0102030405060708", MessageId.of(m).toHex().substring(64));
  }

  @Test
  void idDependsOnlyOnOriginAndSeqno() {
    Publish a = PubSubTestData.message("topic-a", 7);
    Publish b = PubSubTestData.message("topic-b", 7);
    assertEquals(MessageId.of(a), MessageId.of(b));
    assertEquals(MessageId.of(a).hashCode(), MessageId.of(b).hashCode());
    assertNotEquals(MessageId.of(a), MessageId.of(PubSubTestData.message("topic-a", 8)));
    byte[] otherOrigin = PubSubTestData.keypair(2).publicKey();
    assertNotEquals(MessageId.of(a), MessageId.of(otherOrigin, 7));
  }

  @Test
  void wireBytesRoundTripToAnEqualId() {
    MessageId id = MessageId.of(PubSubTestData.message("t", 3));
    assertEquals(id, MessageId.fromBytes(id.bytes()));
  }

  @Test
  void idIsImmutable() {
    MessageId id = MessageId.of(PubSubTestData.message("t", 3));
    byte[] leaked = id.bytes();
    leaked[0] ^= 1;
    assertNotEquals(MessageId.fromBytes(leaked), id);
    assertEquals(MessageId.of(PubSubTestData.message("t", 3)), id);
  }

  @Test
  void outOfRangeWireIdsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> MessageId.fromBytes(new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> MessageId.fromBytes(new byte[41]));
    assertThrows(IllegalArgumentException.class, () -> MessageId.fromBytes(null));
    assertThrows(IllegalArgumentException.class, () -> MessageId.of(new byte[31], 1));
  }
}
