package org.quicmesh.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Asks the peer to send a datagram carrying {@code nonce} to the address it sees this request come from (never
 * anywhere else), from an address the requester has not sent to: how a node tests its NAT's filtering with mesh peers
 * alone. Answered with {@link DialBackSent} once the datagram is on its way, or {@link Rejected} (rate limited, no
 * spare socket, no suitable peer).
 *
 * @param source where the datagram must come from
 * @param nonce chosen by the requester, so it recognises the datagram
 * @param avoid IPs the requester recently sent to (literal, no port): a relayed dial-back must not come from them
 */
public record DialBack(Contact from, Source source, byte[] nonce, List<String> avoid) implements NatRequest {
  public DialBack {
    Checks.nonNull(from, "from");
    Checks.nonNull(source, "source");
    Checks.exactBytes(nonce, Limits.DIAL_BACK_NONCE_BYTES, "nonce");
    avoid = Checks.list(avoid, Limits.MAX_DIAL_BACK_AVOID, "avoid");
    avoid.forEach(ip -> Checks.ip(ip, "avoid"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DialBack other && from.equals(other.from) && source == other.source
        && Arrays.equals(nonce, other.nonce) && avoid.equals(other.avoid);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, source, Arrays.hashCode(nonce), avoid);
  }

  @Override
  public String toString() {
    return "DialBack[from=" + from + ", source=" + source + ", nonce=" + Bytes.show(nonce) + ", avoid=" + avoid + "]";
  }

  /** Where the dial-back comes from, relative to the peer asked; each passes a different class of NAT filter. */
  public enum Source {
    /** The peer's own IP, another port: arrives through address-dependent filtering, not port-dependent. */
    OTHER_PORT,
    /** Another peer, at an IP the requester did not list: arrives only through endpoint-independent filtering. */
    OTHER_IP
  }
}
