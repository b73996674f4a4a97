package org.quicmesh.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.quicmesh.identity.NodeId;

/**
 * Sent over a connection that already works (typically through a relay): "punch towards my {@code candidates} now".
 * Both ends then send path checks carrying {@code token} to each other's candidates; the token, known only to the
 * two ends, is what makes a check's answer proof of a working path. Answered with {@link HolePunchReady} (the
 * answerer's candidates) or {@link HolePunchFailed}.
 */
public record HolePunchStart(Contact from, NodeId target, List<String> candidates, byte[] token)
    implements NatRequest {
  public static final int TOKEN_BYTES = 16;

  public HolePunchStart {
    Checks.nonNull(from, "from");
    Checks.nonNull(target, "target");
    candidates = Checks.candidates(candidates);
    token = Checks.exactBytes(token, TOKEN_BYTES, "token");
  }

  @Override
  public byte[] token() {
    return token.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HolePunchStart other && from.equals(other.from) && target.equals(other.target)
        && candidates.equals(other.candidates) && Arrays.equals(token, other.token);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, target, candidates, Arrays.hashCode(token));
  }

  @Override
  public String toString() {
    return "HolePunchStart[from=" + from + ", target=" + target + ", candidates=" + candidates + "]";
  }
}
