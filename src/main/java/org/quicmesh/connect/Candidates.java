package org.quicmesh.connect;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.RelayEntry;
import org.quicmesh.wire.Contact;

/**
 * A node's candidate addresses: what it offers peers and in which order they are tried. Public (globally routable)
 * addresses come first, then private ones (reachable only on a shared LAN), then loopback; within a class the order
 * given is kept (a node lists its best first). Loopback is kept last rather than dropped, as tests and demos run on
 * one machine. Pure.
 */
final class Candidates {
  private Candidates() {}

  /** The addresses of an endpoint record in the order to try them (unparseable entries skipped). */
  static List<InetSocketAddress> dialOrder(List<String> addresses) {
    List<InetSocketAddress> parsed = new ArrayList<>();
    for (String text : addresses) {
      parse(text).ifPresent(parsed::add);
    }
    return order(parsed);
  }

  /** Our own candidates for a peer: host and mapped addresses, best first, no duplicates, no wildcards. */
  static List<InetSocketAddress> order(List<InetSocketAddress> addresses) {
    List<InetSocketAddress> distinct = new ArrayList<>(new LinkedHashSet<>(addresses));
    distinct.removeIf(a -> a.getAddress() == null || a.getAddress().isAnyLocalAddress());
    distinct.sort(Comparator.comparingInt(Candidates::reachClass));
    return distinct;
  }

  /** The relays of an endpoint record ({@code <64-hex node id>@ip:port}); entries without an id are skipped. */
  static List<Contact> relays(List<String> relays) {
    // A malformed entry in a signed record is the signer's problem: skip it, try the others.
    return relays.stream().flatMap(text -> RelayEntry.parse(text).stream()).toList();
  }

  /** The relays with {@code relay} moved to the end (a failover tries the one it lost last: it may have restarted). */
  static List<Contact> lastOf(List<Contact> relays, NodeId relay) {
    List<Contact> ordered = new ArrayList<>(relays.stream().filter(r -> !r.id().equals(relay)).toList());
    relays.stream().filter(r -> r.id().equals(relay)).forEach(ordered::add);
    return ordered;
  }

  private static Optional<InetSocketAddress> parse(String text) {
    try {
      return Optional.of(Contact.Addresses.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static int reachClass(InetSocketAddress address) {
    var ip = address.getAddress();
    if (ip.isLoopbackAddress()) {
      return 2;
    }
    return ip.isSiteLocalAddress() || ip.isLinkLocalAddress() || isUniqueLocalOrShared(ip.getAddress()) ? 1 : 0;
  }

  /**
   * IPv6 unique-local fc00::/7 (Java's isSiteLocalAddress knows only the deprecated fec0::/10) and the IPv4 shared
   * space of carrier-grade NATs 100.64.0.0/10: neither is globally routable.
   */
  private static boolean isUniqueLocalOrShared(byte[] ip) {
    return ip.length == 16 ? (ip[0] & 0xFE) == 0xFC : (ip[0] & 0xFF) == 100 && (ip[1] & 0xC0) == 0x40;
  }
}
