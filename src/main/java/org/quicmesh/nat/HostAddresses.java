package org.quicmesh.nat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The node's own (host) addresses: a listen address as is, a wildcard one as every address of this host's interfaces
 * in its family, with the same port. NAT detection compares mapped addresses with these, and a node's contact must
 * never carry a wildcard.
 */
public final class HostAddresses {
  private HostAddresses() {}

  public static List<InetSocketAddress> expand(List<InetSocketAddress> listen) {
    List<InetSocketAddress> result = new ArrayList<>();
    for (InetSocketAddress address : listen) {
      if (address.getAddress() == null || !address.getAddress().isAnyLocalAddress()) {
        result.add(address);
        continue;
      }
      boolean ipv4 = address.getAddress() instanceof Inet4Address;
      for (InetAddress ip : interfaceAddresses()) {
        if ((ip instanceof Inet4Address) == ipv4 && !result.contains(new InetSocketAddress(ip, address.getPort()))) {
          result.add(new InetSocketAddress(ip, address.getPort()));
        }
      }
    }
    return List.copyOf(result);
  }

  /**
   * The address to name in our own contact: the first that others can reach (not loopback, not link-local), or the
   * first of all when there is none (a loopback-only test mesh).
   */
  public static InetSocketAddress preferred(List<InetSocketAddress> hostAddresses) {
    if (hostAddresses.isEmpty()) {
      throw new IllegalArgumentException("no host address");
    }
    return hostAddresses.stream()
        .filter(a -> !a.getAddress().isLoopbackAddress() && !a.getAddress().isLinkLocalAddress())
        .findFirst().orElse(hostAddresses.get(0));
  }

  private static List<InetAddress> interfaceAddresses() {
    List<InetAddress> addresses = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nic.isUp()) {
          addresses.addAll(Collections.list(nic.getInetAddresses()));
        }
      }
    } catch (SocketException e) {
      // No interface list (a locked-down sandbox): detection then sees no local address and cannot report None.
    }
    return addresses;
  }
}
