package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicmesh.pubsub.Peers.id;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.IHave;
import org.quicmesh.wire.Limits;

class AnnouncementsTest {
  private static MessageId message(int n) {
    byte[] bytes = new byte[MessageId.BYTES];
    bytes[0] = (byte) (n >> 8);
    bytes[1] = (byte) n;
    return MessageId.fromBytes(bytes);
  }

  @Test
  void eachPeerGetsOneIHaveWithHowLongEachMessageWasHeld() {
    Announcements announcements = new Announcements("chat");
    assertTrue(announcements.isEmpty());
    assertNull(announcements.add(id(1), message(1), 1_000));
    assertNull(announcements.add(id(2), message(1), 1_000));
    assertNull(announcements.add(id(1), message(2), 1_180));

    Map<NodeId, IHave> out = announcements.drain(1_250);
    assertEquals(2, out.size());
    IHave toFirst = out.get(id(1));
    assertEquals("chat", toFirst.topic());
    assertEquals(List.of(message(1), message(2)), toFirst.messageIds().stream().map(MessageId::fromBytes).toList());
    assertEquals(List.of(250, 70), toFirst.heldMillis());
    assertEquals(List.of(250), out.get(id(2)).heldMillis());
    assertTrue(announcements.isEmpty(), "a drain sends everything");
    assertEquals(Map.of(), announcements.drain(1_300));
  }

  @Test
  void aFullBatchGoesOutAtOnce() {
    Announcements announcements = new Announcements("chat");
    for (int i = 0; i < Limits.MAX_MESSAGE_IDS - 1; i++) {
      assertNull(announcements.add(id(1), message(i), 0));
    }
    IHave full = announcements.add(id(1), message(Limits.MAX_MESSAGE_IDS - 1), 10);
    assertNotNull(full);
    assertEquals(Limits.MAX_MESSAGE_IDS, full.messageIds().size());
    assertEquals(10, full.heldMillis(0));
    assertEquals(0, full.heldMillis(Limits.MAX_MESSAGE_IDS - 1));
    assertTrue(announcements.isEmpty());
  }

  @Test
  void aPeerThatLeftGetsNothing() {
    Announcements announcements = new Announcements("chat");
    announcements.add(id(1), message(1), 0);
    announcements.add(id(2), message(1), 0);
    announcements.forget(id(1));
    assertEquals(List.of(id(2)), List.copyOf(announcements.drain(5).keySet()));
  }
}
