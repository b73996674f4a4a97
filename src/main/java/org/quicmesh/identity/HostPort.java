package org.quicmesh.identity;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Syntax of the {@code "host:port"} strings in endpoint records: a literal IPv4 address or a bracketed IPv6 address
 * and a port 1-65535. Checked without any name resolution (a record must never make a verifier touch DNS).
 */
final class HostPort {
  private HostPort() {}

  /** Null if valid, otherwise why not. */
  static String problem(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return "not host:port";
    }
    String port = text.substring(colon + 1);
    if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
        || port.length() > 1 && port.charAt(0) == '0') {
      return "bad port";
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) {
      return "port out of range";
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[")) {
      return isIpv6Literal(host) ? null : "bad IPv6 literal";
    }
    return isIpv4Literal(host) ? null : "host is not a literal IPv4 address or [IPv6] address";
  }

  private static boolean isIpv4Literal(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
          || part.length() > 1 && part.charAt(0) == '0' || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpv6Literal(String bracketed) {
    if (bracketed.length() < 4 || !bracketed.endsWith("]")) {
      return false;
    }
    String inner = bracketed.substring(1, bracketed.length() - 1);
    // Hex digits, colons and an embedded IPv4 tail only: no zone ids, nothing a resolver could look up.
    if (inner.indexOf(':') < 0 || !inner.chars().allMatch(
        c -> c == ':' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
      return false;
    }
    try {
      // A string containing ':' is parsed as an IPv6 literal by the JDK; it is never resolved.
      InetAddress.getByName(bracketed);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
