package org.quicmesh.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * A peer serving a {@link DialBack} of source {@code OTHER_IP} asks this node to send the datagram: to {@code to}, the
 * address the peer saw the requester at. Answered with {@link DialBackSent} or {@link Rejected}. The datagram is
 * smaller than this request, so a relay cannot amplify; it is rate limited per relaying peer.
 */
public record DialBackRelay(Contact from, String to, byte[] nonce) implements NatRequest {
  public DialBackRelay {
    Checks.nonNull(from, "from");
    Checks.address(to, "to");
    Checks.exactBytes(nonce, Limits.DIAL_BACK_NONCE_BYTES, "nonce");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DialBackRelay other && from.equals(other.from) && to.equals(other.to)
        && Arrays.equals(nonce, other.nonce);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, to, Arrays.hashCode(nonce));
  }

  @Override
  public String toString() {
    return "DialBackRelay[from=" + from + ", to=" + to + ", nonce=" + Bytes.show(nonce) + "]";
  }
}
