package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicmesh.pubsub.Peers.id;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeferredWantsTest {
  private static MessageId message(int n) {
    byte[] bytes = new byte[MessageId.BYTES];
    bytes[0] = (byte) n;
    return MessageId.fromBytes(bytes);
  }

  @Test
  void onlyMessagesStillMissingWhenDueAreAskedForFromTheirFirstAnnouncer() {
    DeferredWants wants = new DeferredWants();
    wants.defer(message(1), id(1), 100);
    wants.defer(message(2), id(1), 100);
    wants.defer(message(1), id(2), 110); // a second announcer does not postpone it
    wants.defer(message(3), id(2), 130);

    assertEquals(Map.of(), wants.due(99, m -> true), "nothing is due yet");
    assertEquals(OptionalLong.of(100), wants.nextDue());

    Set<MessageId> delivered = Set.of(message(2)); // an unchoked peer delivered message 2 meanwhile
    assertEquals(Map.of(id(1), List.of(message(1))), wants.due(120, m -> !delivered.contains(m)));
    assertEquals(OptionalLong.of(130), wants.nextDue(), "message 3 still waits");
    assertEquals(Map.of(id(2), List.of(message(3))), wants.due(130, m -> true));
    assertTrue(wants.nextDue().isEmpty());
  }

  @Test
  void aPeerThatLeftTakesItsAnnouncementsAlong() {
    DeferredWants wants = new DeferredWants();
    wants.defer(message(1), id(1), 100);
    wants.defer(message(2), id(2), 100);
    wants.forgetPeer(id(1));
    assertEquals(Map.of(id(2), List.of(message(2))), wants.due(100, m -> true));
  }

  @Test
  void aMessageFallsToItsNextAnnouncerWhenTheFirstIsGone() {
    DeferredWants wants = new DeferredWants();
    wants.defer(message(1), id(1), 100);
    wants.defer(message(1), id(2), 200);
    wants.forgetPeer(id(1));
    assertEquals(OptionalLong.of(100), wants.nextDue(), "still due when first announced");
    assertEquals(Map.of(id(2), List.of(message(1))), wants.due(100, m -> true));
  }

  @Test
  void laterDueTimesMayComeFirstAndAForgottenMessageAnnouncedAgainWaitsAfresh() {
    DeferredWants wants = new DeferredWants();
    wants.defer(message(1), id(1), 500);
    wants.defer(message(2), id(1), 100); // a shorter wait, announced later
    assertEquals(OptionalLong.of(100), wants.nextDue());
    assertEquals(Map.of(id(1), List.of(message(2))), wants.due(100, m -> true));

    wants.forgetPeer(id(1));
    wants.defer(message(1), id(3), 900);
    assertEquals(OptionalLong.of(900), wants.nextDue(), "the dropped wait's time is skipped");
    assertEquals(Map.of(), wants.due(600, m -> true));
    assertEquals(Map.of(id(3), List.of(message(1))), wants.due(900, m -> true));
    assertEquals(0, wants.size());
  }
}
