package org.quicmesh.transport.sim;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.DatagramListeners;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.TransportException;
import org.quicmesh.transport.TransportException.Kind;

/**
 * The raw-datagram plane of one simulated host: datagrams cross the {@link SimNetwork} like requests do (latency,
 * loss, partitions, crashes, NAT), and arrive classified as the QUIC transport classifies them.
 */
final class SimDatagrams implements DatagramPlane {
  private final SimTransport host;
  private final DatagramListeners listeners;

  SimDatagrams(SimTransport host) {
    this.host = host;
    this.listeners = new DatagramListeners(host::reject);
  }

  @Override
  public Registration listen(DatagramKind kind, DatagramListener listener) {
    return listeners.add(kind, listener);
  }

  @Override
  public CompletionStage<Void> send(InetSocketAddress to, byte[] payload) {
    Objects.requireNonNull(to, "to");
    byte[] copy = payload.clone(); // the sender may reuse its buffer before the simulated delivery
    if (host.isClosed()) {
      return CompletableFuture.failedFuture(new TransportException(Kind.CLOSED, "transport is shut down"));
    }
    SimNetwork network = host.network();
    SimNetwork.Delivery delivery = network.route(host, to, true);
    if (delivery != null) {
      SimTransport destination = delivery.destination();
      network.schedule(network.oneWay(host.address(), destination.address()),
          () -> destination.datagramPlane().receive(delivery.source(), copy));
    }
    return CompletableFuture.completedFuture(null); // handed to the network, as a socket send is
  }

  @Override
  public CompletionStage<Void> send(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
    if (!from.equals(host.address())) {
      return CompletableFuture.failedFuture(new TransportException(Kind.UNREACHABLE, "no local socket at " + from));
    }
    return send(to, payload);
  }

  /** A simulated host has one address: RFC 5780 two-address servers run over QUIC (the NAT lab), not here. */
  @Override
  public CompletionStage<InetSocketAddress> open(InetSocketAddress local) {
    return CompletableFuture.failedFuture(new TransportException(Kind.UNREACHABLE,
        "a simulated host has one address; cannot open " + local));
  }

  void receive(InetSocketAddress sender, byte[] payload) {
    if (host.isCrashed() || host.isClosed()) {
      return;
    }
    DatagramKind.of(payload).ifPresentOrElse(
        kind -> listeners.dispatch(new Datagram(kind, sender, host.address(), payload)),
        () -> host.reject(DatagramListeners.unclaimed("unknown")));
  }
}
