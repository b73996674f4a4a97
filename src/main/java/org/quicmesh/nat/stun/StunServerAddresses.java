package org.quicmesh.nat.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The sockets a STUN server answers from. A plain server has one (the node's port); an RFC 5780 server has a second IP
 * and a second port and answers from all four combinations, so clients can tell mapping and filtering behaviour apart.
 *
 * @param primary the node's own address (IP1:PORT1)
 * @param alternateIp the second IP (IP2), if any
 * @param alternatePort the second port (PORT2), used on both IPs when {@code alternateIp} is present
 */
public record StunServerAddresses(InetSocketAddress primary, Optional<InetAddress> alternateIp, int alternatePort) {

  public StunServerAddresses {
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(alternateIp, "alternateIp");
    if (alternateIp.isPresent()) {
      if (primary.getAddress().isAnyLocalAddress()) {
        throw new IllegalArgumentException("an RFC 5780 STUN server needs a concrete primary IP, not " + primary
            + " (its answers name the address they come from)");
      }
      if (alternateIp.get().equals(primary.getAddress())) {
        throw new IllegalArgumentException("the alternate IP must differ from the primary one");
      }
      if (alternatePort <= 0 || alternatePort > 0xFFFF || alternatePort == primary.getPort()) {
        throw new IllegalArgumentException("the alternate port must be a port other than " + primary.getPort());
      }
    }
  }

  /** A server on the node's port only: it answers Binding requests but refuses CHANGE-REQUEST. */
  public static StunServerAddresses single(InetSocketAddress primary) {
    return new StunServerAddresses(primary, Optional.empty(), 0);
  }

  public static StunServerAddresses rfc5780(InetSocketAddress primary, InetAddress alternateIp, int alternatePort) {
    return new StunServerAddresses(primary, Optional.of(alternateIp), alternatePort);
  }

  public boolean canChange() {
    return alternateIp.isPresent();
  }

  /** Every socket to open: one, or the four IP × port combinations. */
  public List<InetSocketAddress> sockets() {
    if (!canChange()) {
      return List.of(primary);
    }
    InetAddress ip2 = alternateIp.orElseThrow();
    return List.of(primary, new InetSocketAddress(primary.getAddress(), alternatePort),
        new InetSocketAddress(ip2, primary.getPort()), new InetSocketAddress(ip2, alternatePort));
  }

  /** The socket that differs from {@code local} in IP and/or port, as CHANGE-REQUEST asks. */
  InetSocketAddress changed(InetSocketAddress local, boolean changeIp, boolean changePort) {
    InetAddress ip2 = alternateIp.orElseThrow();
    InetAddress ip = changeIp ? (local.getAddress().equals(ip2) ? primary.getAddress() : ip2) : local.getAddress();
    int port = changePort ? (local.getPort() == alternatePort ? primary.getPort() : alternatePort) : local.getPort();
    return new InetSocketAddress(ip, port);
  }
}
