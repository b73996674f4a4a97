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
      int port = port(text, colon + 1);
      if (port < 0) {
        throw new IllegalArgumentException("bad port in '" + text + "'");
      }
      if (port > 65535) {
        throw new IllegalArgumentException("port out of range in '" + text + "'");
      }
      // Every contact of every decoded message comes through here, so IPv4 is parsed in place (no split, no
      // second parse inside InetAddress).
      byte[] v4 = ipv4(text, 0, colon);
      try {
        if (v4 != null) {
          return new InetSocketAddress(InetAddress.getByAddress(v4), port);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        if (!isIpv6Literal(host)) {
          throw new IllegalArgumentException("host must be a literal IP address, got '" + host + "'");
        }
        // getByName on a literal never touches DNS.
        return new InetSocketAddress(InetAddress.getByName(host), port);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("bad IP literal '" + text.substring(0, colon) + "'");
      }
    }

    /** ASCII decimal port of 1 to 5 digits at {@code text[from..]}, or -1. */
    private static int port(String text, int from) {
      int length = text.length() - from;
      if (length < 1 || length > 5) {
        return -1;
      }
      int port = 0;
      for (int i = from; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        port = port * 10 + (c - '0');
      }
      return port;
    }

    /** The four bytes of a dotted-quad {@code text[from, to)} (each part 1-3 ASCII digits, at most 255), or null. */
    private static byte[] ipv4(String text, int from, int to) {
      byte[] address = new byte[4];
      int part = 0;
      int value = 0;
      int digits = 0;
      for (int i = from; i <= to; i++) {
        char c = i < to ? text.charAt(i) : '.';
        if (c >= '0' && c <= '9') {
          // ASCII only: other scripts' digits would make InetAddress resolve the text as a host name.
          value = value * 10 + (c - '0');
          if (++digits > 3) {
            return null;
          }
        } else if (c == '.' && digits > 0 && value <= 255 && part < 4) {
          address[part++] = (byte) value;
          value = 0;
          digits = 0;
        } else {
          return null;
        }
      }
      return part == 4 ? address : null;
    }

    private static boolean isIpv6Literal(String host) {
      if (host.indexOf(':') < 0) {
        return false;
      }
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex && c != ':' && c != '.' && c != '%') {
          return false;
        }
      }
      return true;
    }
  }
}
