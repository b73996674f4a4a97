package org.quicmesh.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * Raw datagrams on the node's one UDP socket, beside QUIC: what STUN, NAT detection, hole punching and path probes
 * are built on. Implemented by the QUIC transport (the real socket) and the simulator (through its network, with
 * latency, loss, partitions, crashes and NATs), so that protocol code runs unchanged on both.
 *
 * <p>Listeners run on the transport's thread (a Netty event loop, or the simulation thread): they must not block, and
 * node code hands the datagram to its actor. A listener that throws is counted ({@code datagram-listener-error} in
 * {@link TransportStats#rejected()}); the socket and the other listeners keep serving. A datagram of a kind nobody
 * listens for is dropped and counted ({@code unclaimed-stun}, {@code unclaimed-probe}).
 */
public interface DatagramPlane {

  /** Ends one {@link #listen} registration. */
  @FunctionalInterface
  interface Registration {
    void cancel();
  }

  /** Adds a listener for every datagram of {@code kind}; several listeners per kind each see every datagram. */
  Registration listen(DatagramKind kind, DatagramListener listener);

  /**
   * Sends one datagram from the node's socket (the one QUIC uses, so a NAT maps both alike). Completes when handed
   * to the network, or fails with a {@link TransportException}.
   */
  CompletionStage<Void> send(InetSocketAddress to, byte[] payload);

  /**
   * Sends one datagram from local socket {@code from}: the QUIC socket or one opened with {@link #open}. Fails with a
   * {@link TransportException} ({@code UNREACHABLE}) when no such socket is open.
   */
  CompletionStage<Void> send(InetSocketAddress from, InetSocketAddress to, byte[] payload);

  /**
   * Opens one more socket for raw datagrams only (an RFC 5780 STUN server answers from its other IP and port); its
   * STUN and probe datagrams reach the same listeners, {@link Datagram#local()} naming it, and QUIC packets there are
   * dropped. Completes with the bound address; the socket closes with the transport.
   */
  CompletionStage<InetSocketAddress> open(InetSocketAddress local);

  /** Receives datagrams of the kinds it listens for. */
  @FunctionalInterface
  interface DatagramListener {
    void onDatagram(Datagram datagram);
  }
}
