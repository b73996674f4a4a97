package org.quicmesh.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.DialBackLimiter.Refusal;

class DialBackLimiterTest {
  private static final NodeId A = id(1);
  private static final NodeId B = id(2);
  private final ManualClock clock = new ManualClock();
  private final DialBackLimiter limiter = new DialBackLimiter(clock,
      new DialBackSettings(Duration.ofSeconds(1), 4, 2, 2, 3, Duration.ofMinutes(1), Duration.ofMinutes(5)));

  private static NodeId id(int b) {
    byte[] bytes = new byte[32];
    bytes[0] = (byte) b;
    return NodeId.of(bytes);
  }

  @Test
  void aPeerGetsOnlyItsShareInAWindow() {
    assertEquals(Optional.empty(), limiter.take(A));
    assertEquals(Optional.empty(), limiter.take(A));
    assertEquals(Optional.of(Refusal.PEER_RATE), limiter.take(A));
    assertEquals(Optional.empty(), limiter.take(B), "another peer is still served");
  }

  @Test
  void allPeersTogetherGetOnlyTheNodesShare() {
    limiter.take(A);
    limiter.take(A);
    limiter.take(B);
    assertEquals(Optional.of(Refusal.NODE_RATE), limiter.take(id(3)));
  }

  @Test
  void theNextWindowStartsAfresh() {
    limiter.take(A);
    limiter.take(A);
    clock.advance(Duration.ofMinutes(1));
    assertEquals(Optional.empty(), limiter.take(A));
  }
}
