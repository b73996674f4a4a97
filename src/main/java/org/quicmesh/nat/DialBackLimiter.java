package org.quicmesh.nat;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.quicmesh.identity.NodeId;

/**
 * Rate limits for serving dial-backs, so a node cannot be made a reflector: at most {@code perPeer} per peer and
 * {@code perWindow} in all per fixed window. Fixed windows rather than sliding ones: the state is one count per peer
 * seen in the current window, at most {@code perWindow} entries, dropped wholesale when the window turns.
 */
final class DialBackLimiter {

  /** Why a dial-back was refused (a counter name). */
  enum Refusal {
    PEER_RATE("rate-limited"), NODE_RATE("overloaded");

    final String counter;

    Refusal(String counter) {
      this.counter = counter;
    }
  }

  private final Clock clock;
  private final java.time.Duration window;
  private final int perPeer;
  private final int perWindow;
  private final Map<NodeId, Integer> served = new HashMap<>();
  private Instant windowStart;
  private int total;

  DialBackLimiter(Clock clock, DialBackSettings settings) {
    this.clock = clock;
    this.window = settings.window();
    this.perPeer = settings.perPeer();
    this.perWindow = settings.perWindow();
    this.windowStart = clock.instant();
  }

  /** Takes one dial-back for {@code peer} if the limits allow it; otherwise says which limit refused it. */
  Optional<Refusal> take(NodeId peer) {
    Instant now = clock.instant();
    if (!now.isBefore(windowStart.plus(window))) {
      windowStart = now;
      served.clear();
      total = 0;
    }
    if (total >= perWindow) {
      return Optional.of(Refusal.NODE_RATE);
    }
    if (served.getOrDefault(peer, 0) >= perPeer) {
      return Optional.of(Refusal.PEER_RATE);
    }
    served.merge(peer, 1, Integer::sum);
    total++;
    return Optional.empty();
  }
}
