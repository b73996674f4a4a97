package org.quicmesh.nat.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetransmissionTest {
  @Test
  void followsTheRfc8489ScheduleWithItsDefaults() {
    Retransmission r = Retransmission.RFC_DEFAULTS;
    List<Long> sendsAt = new ArrayList<>(List.of(0L));
    long at = 0;
    for (int sent = 1; r.waitAfter(sent).isPresent(); sent++) {
      at += r.waitAfter(sent).orElseThrow().toMillis();
      sendsAt.add(at);
    }
    assertEquals(List.of(0L, 500L, 1500L, 3500L, 7500L, 15500L, 31500L), sendsAt);
    assertEquals(Duration.ofMillis(39_500), r.timeout());
  }

  @Test
  void aSingleSendOnlyWaitsTheFinalWait() {
    Retransmission r = new Retransmission(Duration.ofMillis(100), 1, 4);
    assertTrue(r.waitAfter(1).isEmpty());
    assertEquals(Duration.ofMillis(400), r.timeout());
  }

  @Test
  void refusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new Retransmission(Duration.ZERO, 7, 16));
    assertThrows(IllegalArgumentException.class, () -> new Retransmission(Duration.ofMillis(1), 0, 16));
    assertThrows(IllegalArgumentException.class, () -> Retransmission.RFC_DEFAULTS.waitAfter(0));
  }
}
