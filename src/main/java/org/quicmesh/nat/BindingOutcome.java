package org.quicmesh.nat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/** How a STUN Binding transaction ended: the reflexive address a server saw, or why there is none. */
sealed interface BindingOutcome {
  InetSocketAddress server();

  /**
   * @param mapped where the server saw us (XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS from RFC 3489 servers)
   * @param from where the answer came from (differs from {@code server} when a CHANGE-REQUEST was honoured)
   * @param responseOrigin what an RFC 5780 server says it answered from
   * @param otherAddress an RFC 5780 server's alternate address (other IP, other port)
   * @param rtt from the first send to the answer
   */
  record Success(InetSocketAddress server, InetSocketAddress mapped, InetSocketAddress from,
      Optional<InetSocketAddress> responseOrigin, Optional<InetSocketAddress> otherAddress, Duration rtt)
      implements BindingOutcome {}

  record Failure(InetSocketAddress server, String reason) implements BindingOutcome {}
}
