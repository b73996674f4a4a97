package org.quicmesh.transport;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.quicmesh.identity.NodeId;

/**
 * One way datagrams reach a peer: straight to one of its addresses, or wrapped in {@link RelayFrame}s through a relay
 * session. A connection made over {@link PathControl} keeps its identity while its path changes.
 */
public sealed interface Path {

  /** Where datagrams on this path are sent: the peer's address, or the relay's. */
  InetSocketAddress via();

  /** "direct" or "relayed", as the control protocol prints it. */
  String kind();

  default boolean isDirect() {
    return this instanceof Direct;
  }

  /** The datagram to send to {@link #via()} so that {@code payload} reaches the peer over this path. */
  byte[] frame(byte[] payload);

  /** Straight to the peer at {@code address} (a host, server-reflexive or peer-reflexive candidate). */
  record Direct(InetSocketAddress address) implements Path {
    public Direct {
      Objects.requireNonNull(address, "address");
    }

    @Override
    public InetSocketAddress via() {
      return address;
    }

    @Override
    public String kind() {
      return "direct";
    }

    @Override
    public byte[] frame(byte[] payload) {
      return payload;
    }
  }

  /**
   * Through relay {@code relay} at {@code relayAddress}, in the session the relay gave this end ({@code session}
   * names our end; the relay knows where the other end is).
   */
  record Relayed(NodeId relay, InetSocketAddress relayAddress, long session) implements Path {
    public Relayed {
      Objects.requireNonNull(relay, "relay");
      Objects.requireNonNull(relayAddress, "relayAddress");
    }

    @Override
    public InetSocketAddress via() {
      return relayAddress;
    }

    @Override
    public String kind() {
      return "relayed";
    }

    @Override
    public byte[] frame(byte[] payload) {
      return new RelayFrame(RelayFrame.Direction.TO_RELAY, session, payload).toBytes();
    }
  }
}
