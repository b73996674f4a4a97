package org.quicmesh.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One raw datagram received on a node's socket.
 *
 * @param sender where it came from, as the network delivered it (after any NAT on the way)
 * @param local the local socket that received it (a node serving RFC 5780 STUN has several)
 * @param payload its bytes; not copied: treat as immutable
 */
public record Datagram(DatagramKind kind, InetSocketAddress sender, InetSocketAddress local, byte[] payload) {
  public Datagram {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(payload, "payload");
  }
}
