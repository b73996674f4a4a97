package org.quicmesh.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Asks the relay to pass {@code payload} to the other end of session {@code sessionId}; answered with {@link
 * RelayForwarded}.
 */
public record RelayForward(Contact from, long sessionId, byte[] payload) implements NatRequest {
  public RelayForward {
    Checks.nonNull(from, "from");
    Checks.maxBytes(payload, Limits.MAX_RELAY_PAYLOAD_BYTES, "payload");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelayForward other && from.equals(other.from) && sessionId == other.sessionId
        && Arrays.equals(payload, other.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, sessionId, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "RelayForward[from=" + from + ", sessionId=" + sessionId + ", payload=" + Bytes.show(payload) + "]";
  }
}
