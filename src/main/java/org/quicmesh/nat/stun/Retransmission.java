package org.quicmesh.nat.stun;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When a STUN client transaction over UDP sends again (RFC 8489 §6.2.1): the first retransmission after {@code rto},
 * each later one after twice the previous wait, {@code count} sends in all, then {@code lastWaitFactor} × rto for an
 * answer to the last one. With the RFC's defaults (500 ms, 7, 16) requests go out at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and
 * 31.5 s and the transaction fails at 39.5 s.
 */
public record Retransmission(Duration rto, int count, int lastWaitFactor) {
  public static final Retransmission RFC_DEFAULTS = new Retransmission(Duration.ofMillis(500), 7, 16);

  public Retransmission {
    Objects.requireNonNull(rto, "rto");
    if (rto.isNegative() || rto.isZero() || count < 1 || lastWaitFactor < 1) {
      throw new IllegalArgumentException("rto > 0, count >= 1 and lastWaitFactor >= 1 are required");
    }
  }

  /**
   * How long to wait after send number {@code sent} (1 = the first) before sending again; empty when that was the
   * last send (then wait {@link #finalWait()} and give up).
   */
  public Optional<Duration> waitAfter(int sent) {
    if (sent < 1) {
      throw new IllegalArgumentException("sent counts from 1");
    }
    return sent >= count ? Optional.empty() : Optional.of(rto.multipliedBy(1L << Math.min(sent - 1, 30)));
  }

  public Duration finalWait() {
    return rto.multipliedBy(lastWaitFactor);
  }

  /** From the first send until the transaction fails. */
  public Duration timeout() {
    Duration total = finalWait();
    for (int sent = 1; sent < count; sent++) {
      total = total.plus(waitAfter(sent).orElseThrow());
    }
    return total;
  }
}
