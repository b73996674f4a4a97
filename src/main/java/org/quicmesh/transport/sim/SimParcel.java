package org.quicmesh.transport.sim;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A request, an answer or a stream message on its way through a relay: the relay frame carries only a token naming
 * it ({@link SimPacket}), the parcel itself waits in the network's {@link SimParcels} until the frame arrives.
 *
 * @param sender the host that sent it: the verified peer the receiver's route must name
 * @param arrival what happens when the frame reaches a host (after the receiver matched the session to the sender)
 */
record SimParcel(SimTransport sender, Arrival arrival) {

  /** Delivery of a parcel to the host whose relay session took it. */
  @FunctionalInterface
  interface Arrival {
    /**
     * @param host the host the relay forwarded the frame to
     * @param observed where the frame came from as that host saw it: the relay's address
     */
    void at(SimTransport host, InetSocketAddress observed);
  }

  SimParcel {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(arrival, "arrival");
  }
}
