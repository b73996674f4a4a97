package org.quicmesh.wire;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.quicmesh.identity.NodeId;

/**
 * A peer as it travels on the wire: its NodeId and one address as {@code "host:port"} with a literal IP host (never a
 * name: decoding a contact must not trigger DNS).
 */
public record Contact(NodeId id, String address) {
  public static final int MAX_ADDRESS_LENGTH = Limits.MAX_ADDRESS_CHARS;

  public Contact {
    Objects.requireNonNull(id, "contact id");
    Objects.requireNonNull(address, "contact address");
    if (address.length() > MAX_ADDRESS_LENGTH) {
      throw new IllegalArgumentException("contact address longer than " + MAX_ADDRESS_LENGTH);
    }
    Addresses.parse(address); // validates
  }

  public static Contact of(NodeId id, InetSocketAddress address) {
    return new Contact(id, Addresses.format(address));
  }

  public InetSocketAddress socketAddress() {
    return Addresses.parse(address);
  }

  @Override
  public String toString() {
    return id.shortHex() + "@" + address;
  }

  /** Literal-IP {@code host:port} parsing and formatting, IPv6 in brackets. */
  public static final class Addresses {
    private Addresses() {}

    public static String format(InetSocketAddress address) {
      InetAddress ip = address.getAddress();
      if (ip == null) {
        throw new IllegalArgumentException("unresolved address " + address);
      }
      String host = ip.getHostAddress();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** A literal IP without port (IPv6 unbracketed), as dial-back requests list them. */
    public static String formatIp(InetAddress ip) {
      String host = format(new InetSocketAddress(ip, 0));
      host = host.substring(0, host.lastIndexOf(':'));
      return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** Parses {@link #formatIp}'s form; never touches DNS. */
    public static InetAddress parseIp(String text) {
      return parse(text.indexOf(':') >= 0 ? "[" + text + "]:0" : text + ":0").getAddress();
    }

    public static InetSocketAddress parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("address must be host:port, got '" + text + "'");
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      String portText = text.substring(colon + 1);
      if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("bad port in '" + text + "'");
      }
      int port = Integer.parseInt(portText);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range in '" + text + "'");
      }
      if (!isIpLiteral(host)) {
        throw new IllegalArgumentException("host must be a literal IP address, got '" + host + "'");
      }
      try {
        // getByName on a literal never touches DNS.
        return new InetSocketAddress(InetAddress.getByName(host), port);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("bad IP literal '" + host + "'");
      }
    }

    // ASCII only: Character.isDigit and Integer.parseInt also accept other scripts' digits, which
    // InetAddress would not take as a literal and would resolve as a host name (a DNS lookup).
    private static boolean isAsciiHexDigit(int c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isIpLiteral(String host) {
      if (host.isEmpty()) {
        return false;
      }
      if (host.indexOf(':') >= 0) {
        return host.chars().allMatch(c -> isAsciiHexDigit(c) || c == ':' || c == '.' || c == '%');
      }
      String[] parts = host.split("\\.", -1);
      if (parts.length != 4) {
        return false;
      }
      for (String p : parts) {
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
            || Integer.parseInt(p) > 255) {
          return false;
        }
      }
      return true;
    }
  }
}
