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
  private final java.util.Set<InetSocketAddress> sockets = java.util.concurrent.ConcurrentHashMap.newKeySet();

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
    return send(host.address(), to, payload);
  }

  @Override
  public CompletionStage<Void> send(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
    Objects.requireNonNull(to, "to");
    byte[] copy = payload.clone(); // the sender may reuse its buffer before the simulated delivery
    if (host.isClosed()) {
      return CompletableFuture.failedFuture(new TransportException(Kind.CLOSED, "transport is shut down"));
    }
    if (!from.equals(host.address()) && !sockets.contains(from)) {
      return CompletableFuture.failedFuture(new TransportException(Kind.UNREACHABLE, "no local socket at " + from));
    }
    SimNetwork network = host.network();
    SimNetwork.Delivery delivery = network.routeDatagram(host, from, to);
    if (delivery != null) {
      SimTransport destination = delivery.destination();
      network.schedule(network.oneWay(host.address(), destination.address()),
          () -> destination.datagramPlane().receive(delivery.source(), delivery.local(), copy));
    }
    return CompletableFuture.completedFuture(null); // handed to the network, as a socket send is
  }

  /** A public host's extra socket, e.g. an RFC 5780 STUN server's other IP ({@link SimNetwork#nextAddress()}). */
  @Override
  public CompletionStage<InetSocketAddress> open(InetSocketAddress local) {
    try {
      sockets.add(host.network().openDatagramSocket(host, local));
      return CompletableFuture.completedFuture(local);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new TransportException(Kind.UNREACHABLE, e.getMessage()));
    }
  }

  void receive(InetSocketAddress sender, InetSocketAddress local, byte[] payload) {
    if (host.isCrashed() || host.isClosed()) {
      return;
    }
    if (SimRelayEnd.isFromRelay(payload)) {
      // Taken before the listeners, as the QUIC transport's demux takes them: a relay's own listener wants TO_RELAY.
      host.relayEnd().receive(sender, local, payload);
      return;
    }
    DatagramKind.of(payload).ifPresentOrElse(
        kind -> listeners.dispatch(new Datagram(kind, sender, local, payload)),
        () -> host.reject(DatagramListeners.unclaimed("unknown")));
  }

  /** Hands a datagram that came out of a relay frame to the listeners of its kind. */
  void dispatch(Datagram datagram) {
    listeners.dispatch(datagram);
  }
}
