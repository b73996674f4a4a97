package org.quicmesh.nat.stun;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * The STUN attributes this node reads and writes (RFC 8489 §14, RFC 5780 §7). FINGERPRINT is not among them: the
 * codec adds it to every message it encodes and checks it on every message that carries one.
 */
public sealed interface StunAttribute {

  /** MAPPED-ADDRESS (0x0001): the reflexive address in the clear, for RFC 3489 clients. */
  record MappedAddress(InetSocketAddress address) implements StunAttribute {
    public MappedAddress {
      StunAttribute.requireResolved(address);
    }
  }

  /** XOR-MAPPED-ADDRESS (0x0020): the reflexive address, obfuscated so that NATs rewriting addresses leave it alone. */
  record XorMappedAddress(InetSocketAddress address) implements StunAttribute {
    public XorMappedAddress {
      StunAttribute.requireResolved(address);
    }
  }

  /** RESPONSE-ORIGIN (0x802B, RFC 5780): the address the response was sent from. */
  record ResponseOrigin(InetSocketAddress address) implements StunAttribute {
    public ResponseOrigin {
      StunAttribute.requireResolved(address);
    }
  }

  /** OTHER-ADDRESS (0x802C, RFC 5780): the server's alternate address (other IP and other port). */
  record OtherAddress(InetSocketAddress address) implements StunAttribute {
    public OtherAddress {
      StunAttribute.requireResolved(address);
    }
  }

  /** CHANGE-REQUEST (0x0003, RFC 5780): answer from the other IP and/or the other port. */
  record ChangeRequest(boolean changeIp, boolean changePort) implements StunAttribute {}

  /** RESPONSE-PORT (0x0027, RFC 5780): answer to this port of the request's source IP. */
  record ResponsePort(int port) implements StunAttribute {
    public ResponsePort {
      if (port < 0 || port > 0xFFFF) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
    }
  }

  /** SOFTWARE (0x8022): who answered; at most 127 characters. */
  record Software(String description) implements StunAttribute {
    public static final int MAX_CHARS = 127;

    public Software {
      Objects.requireNonNull(description, "description");
      if (description.codePointCount(0, description.length()) > MAX_CHARS) {
        throw new IllegalArgumentException("SOFTWARE is limited to 127 characters");
      }
    }
  }

  /** ERROR-CODE (0x0009): a code 300-699 and a reason phrase. */
  record ErrorCode(int code, String reason) implements StunAttribute {
    public static final int BAD_REQUEST = 400;
    public static final int UNKNOWN_ATTRIBUTE = 420;

    public ErrorCode {
      Objects.requireNonNull(reason, "reason");
      if (code < 300 || code > 699) {
        throw new IllegalArgumentException("error code out of range: " + code);
      }
    }
  }

  /** UNKNOWN-ATTRIBUTES (0x000A): the comprehension-required attributes a 420 answer did not understand. */
  record UnknownAttributes(List<Integer> types) implements StunAttribute {
    public UnknownAttributes {
      types = List.copyOf(types);
    }
  }

  /** Any other attribute, kept as received so a server can tell comprehension-required ones (below 0x8000). */
  record Unknown(int type, byte[] value) implements StunAttribute {
    public Unknown {
      Objects.requireNonNull(value, "value");
      if (type < 0 || type > 0xFFFF) {
        throw new IllegalArgumentException("attribute type out of range: " + type);
      }
    }

    /** RFC 8489 §14: types 0x0000-0x7FFF must be understood, or the request is refused with 420. */
    public boolean comprehensionRequired() {
      return type < 0x8000;
    }
  }

  private static void requireResolved(InetSocketAddress address) {
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("STUN carries resolved addresses only: " + address);
    }
  }
}
