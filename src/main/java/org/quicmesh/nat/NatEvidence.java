package org.quicmesh.nat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What NAT detection observed, kept beside its verdict so a user can see why.
 *
 * @param local the node's own addresses (concrete interface addresses, never a wildcard)
 * @param mappings the address each observer saw our socket at
 * @param filtering which unsolicited answers arrived: sent from an address we never sent to
 */
public record NatEvidence(List<InetSocketAddress> local, List<MappingObservation> mappings,
    List<FilteringProbe> filtering) {

  public NatEvidence {
    local = List.copyOf(local);
    mappings = List.copyOf(mappings);
    filtering = List.copyOf(filtering);
  }

  /** Observer {@code observer} (the address we sent to) saw our socket at {@code mapped}. */
  public record MappingObservation(InetSocketAddress observer, InetSocketAddress mapped) {
    public MappingObservation {
      Objects.requireNonNull(observer, "observer");
      Objects.requireNonNull(mapped, "mapped");
    }
  }

  /** Where an unsolicited answer came from, relative to an address we had sent to. */
  public enum ProbeSource {
    /** Another IP (and port) than any we sent to: passes only endpoint-independent filtering. */
    OTHER_IP,
    /** The IP we sent to, another port: passes address-dependent filtering too. */
    SAME_IP_OTHER_PORT
  }

  /** How an unsolicited packet was asked for. */
  public enum Via {
    /** An RFC 5780 server's answer to a CHANGE-REQUEST. */
    STUN,
    /** A mesh peer's dial-back datagram (a peer asked by RPC; see {@link DialBackTests}). */
    DIAL_BACK
  }

  /**
   * Whether an unsolicited packet from {@code source} arrived.
   *
   * @param sender where it came from when it arrived, or where its sender said it was sent from
   */
  public record FilteringProbe(ProbeSource source, boolean arrived, Via via, Optional<InetSocketAddress> sender) {
    public FilteringProbe {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(via, "via");
      Objects.requireNonNull(sender, "sender");
    }

    /** A CHANGE-REQUEST answer from an RFC 5780 server. */
    public FilteringProbe(ProbeSource source, boolean arrived) {
      this(source, arrived, Via.STUN, Optional.empty());
    }
  }
}
