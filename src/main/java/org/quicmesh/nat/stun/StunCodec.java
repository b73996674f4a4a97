package org.quicmesh.nat.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.quicmesh.nat.stun.StunAttribute.ChangeRequest;
import org.quicmesh.nat.stun.StunAttribute.ErrorCode;
import org.quicmesh.nat.stun.StunAttribute.MappedAddress;
import org.quicmesh.nat.stun.StunAttribute.OtherAddress;
import org.quicmesh.nat.stun.StunAttribute.ResponseOrigin;
import org.quicmesh.nat.stun.StunAttribute.ResponsePort;
import org.quicmesh.nat.stun.StunAttribute.Software;
import org.quicmesh.nat.stun.StunAttribute.Unknown;
import org.quicmesh.nat.stun.StunAttribute.UnknownAttributes;
import org.quicmesh.nat.stun.StunAttribute.XorMappedAddress;
import org.quicmesh.nat.stun.StunFormatException.Reason;
import org.quicmesh.transport.DatagramKind;

/**
 * The STUN wire format (RFC 8489 §5, §14; RFC 5780 §7). {@link #encode} always appends FINGERPRINT, because STUN shares
 * the node's socket with QUIC and our probes (RFC 8489 §7 recommends it when protocols are multiplexed);
 * {@link #decode} checks a FINGERPRINT when there is one (RFC 3489 clients send none) and throws only
 * {@link StunFormatException}, whatever the bytes.
 */
public final class StunCodec {
  public static final int MAGIC_COOKIE = DatagramKind.STUN_MAGIC_COOKIE;
  public static final int HEADER_BYTES = 20;
  /** Larger datagrams are refused before parsing: one Binding exchange fits in far less than an Ethernet MTU. */
  public static final int MAX_MESSAGE_BYTES = 1500;
  public static final int MAX_ATTRIBUTES = 32;

  static final int MAPPED_ADDRESS = 0x0001;
  static final int CHANGE_REQUEST = 0x0003;
  static final int ERROR_CODE = 0x0009;
  static final int UNKNOWN_ATTRIBUTES = 0x000A;
  static final int XOR_MAPPED_ADDRESS = 0x0020;
  static final int RESPONSE_PORT = 0x0027;
  static final int SOFTWARE = 0x8022;
  static final int FINGERPRINT = 0x8028;
  static final int RESPONSE_ORIGIN = 0x802B;
  static final int OTHER_ADDRESS = 0x802C;

  private static final int FINGERPRINT_XOR = 0x5354554E;
  private static final int FINGERPRINT_ATTRIBUTE_BYTES = 8;
  private static final int MAX_TEXT_BYTES = 763;
  private static final int FAMILY_IPV4 = 0x01;
  private static final int FAMILY_IPV6 = 0x02;

  private StunCodec() {}

  public static byte[] encode(StunMessage message) {
    ByteBuffer out = ByteBuffer.allocate(MAX_MESSAGE_BYTES);
    out.putShort((short) messageType(message.type(), message.method()));
    out.putShort((short) 0); // length, patched below
    out.putInt(MAGIC_COOKIE);
    out.put(message.transactionId().bytes());
    for (StunAttribute attribute : message.attributes()) {
      writeAttribute(out, attribute, message.transactionId());
    }
    int bodyWithFingerprint = out.position() - HEADER_BYTES + FINGERPRINT_ATTRIBUTE_BYTES;
    out.putShort(2, (short) bodyWithFingerprint);
    int crc = crc32(out.array(), out.position()) ^ FINGERPRINT_XOR;
    out.putShort((short) FINGERPRINT).putShort((short) 4).putInt(crc);
    byte[] result = new byte[out.position()];
    System.arraycopy(out.array(), 0, result, 0, result.length);
    return result;
  }

  public static StunMessage decode(byte[] datagram) throws StunFormatException {
    if (datagram.length < HEADER_BYTES) {
      throw new StunFormatException(Reason.TOO_SHORT, datagram.length + " bytes, a STUN header has 20");
    }
    if (datagram.length > MAX_MESSAGE_BYTES) {
      throw new StunFormatException(Reason.TOO_LARGE, datagram.length + " bytes, at most " + MAX_MESSAGE_BYTES);
    }
    ByteBuffer in = ByteBuffer.wrap(datagram);
    int type = in.getShort() & 0xFFFF;
    int bodyLength = in.getShort() & 0xFFFF;
    if ((type & 0xC000) != 0 || in.getInt() != MAGIC_COOKIE) {
      throw new StunFormatException(Reason.NOT_STUN, "no STUN header (leading bits or magic cookie)");
    }
    if ((bodyLength & 3) != 0 || HEADER_BYTES + bodyLength != datagram.length) {
      throw new StunFormatException(Reason.BAD_LENGTH,
          "declared body of " + bodyLength + " bytes in a datagram of " + datagram.length);
    }
    byte[] id = new byte[TransactionId.LENGTH];
    in.get(id);
    TransactionId transactionId = TransactionId.wrap(id);
    List<StunAttribute> attributes = new ArrayList<>();
    boolean fingerprinted = false;
    while (in.hasRemaining()) {
      if (fingerprinted) {
        throw new StunFormatException(Reason.BAD_ATTRIBUTE, "attribute after FINGERPRINT");
      }
      if (in.remaining() < 4) {
        throw new StunFormatException(Reason.BAD_ATTRIBUTE, "truncated attribute header");
      }
      int attributeStart = in.position();
      int attributeType = in.getShort() & 0xFFFF;
      int length = in.getShort() & 0xFFFF;
      int padded = (length + 3) & ~3;
      if (padded > in.remaining()) {
        throw new StunFormatException(Reason.BAD_ATTRIBUTE,
            "attribute 0x" + Integer.toHexString(attributeType) + " runs past the message");
      }
      byte[] value = new byte[length];
      in.get(value);
      in.position(in.position() + padded - length);
      if (attributeType == FINGERPRINT) {
        checkFingerprint(datagram, attributeStart, value);
        fingerprinted = true;
      } else {
        if (attributes.size() == MAX_ATTRIBUTES) {
          throw new StunFormatException(Reason.TOO_MANY_ATTRIBUTES, "more than " + MAX_ATTRIBUTES + " attributes");
        }
        attributes.add(readAttribute(attributeType, value, transactionId));
      }
    }
    return new StunMessage(StunClass.ofBits(classBits(type)), method(type), transactionId, attributes);
  }

  /**
   * The class of a datagram already known to be STUN ({@code DatagramKind.STUN}: at least a header), read from its
   * type bits without decoding, so the server and the client each decode only what is theirs.
   */
  public static StunClass classOf(byte[] stunDatagram) {
    return StunClass.ofBits(classBits(((stunDatagram[0] & 0xFF) << 8) | (stunDatagram[1] & 0xFF)));
  }

  static int messageType(StunClass type, int method) {
    int c = type.bits();
    return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7);
  }

  private static int method(int type) {
    return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
  }

  private static int classBits(int type) {
    return ((type >> 4) & 1) | ((type >> 7) & 2);
  }

  private static int crc32(byte[] bytes, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }

  private static void checkFingerprint(byte[] datagram, int attributeStart, byte[] value) throws StunFormatException {
    if (value.length != 4) {
      throw new StunFormatException(Reason.BAD_ATTRIBUTE, "FINGERPRINT of " + value.length + " bytes");
    }
    int expected = crc32(datagram, attributeStart) ^ FINGERPRINT_XOR;
    if (ByteBuffer.wrap(value).getInt() != expected) {
      throw new StunFormatException(Reason.BAD_FINGERPRINT, "FINGERPRINT does not match the message");
    }
  }

  private static void writeAttribute(ByteBuffer out, StunAttribute attribute, TransactionId id) {
    // Java 17 has no pattern switch; the sealed interface keeps this chain short and closed.
    if (attribute instanceof MappedAddress a) {
      writeAddress(out, MAPPED_ADDRESS, a.address(), null);
    } else if (attribute instanceof XorMappedAddress a) {
      writeAddress(out, XOR_MAPPED_ADDRESS, a.address(), id);
    } else if (attribute instanceof ResponseOrigin a) {
      writeAddress(out, RESPONSE_ORIGIN, a.address(), null);
    } else if (attribute instanceof OtherAddress a) {
      writeAddress(out, OTHER_ADDRESS, a.address(), null);
    } else if (attribute instanceof ChangeRequest c) {
      out.putShort((short) CHANGE_REQUEST).putShort((short) 4);
      out.putInt((c.changeIp() ? 0x04 : 0) | (c.changePort() ? 0x02 : 0));
    } else if (attribute instanceof ResponsePort p) {
      out.putShort((short) RESPONSE_PORT).putShort((short) 4);
      out.putShort((short) p.port()).putShort((short) 0);
    } else if (attribute instanceof Software s) {
      writeBytes(out, SOFTWARE, s.description().getBytes(StandardCharsets.UTF_8));
    } else if (attribute instanceof ErrorCode e) {
      byte[] reason = e.reason().getBytes(StandardCharsets.UTF_8);
      ByteBuffer value = ByteBuffer.allocate(4 + reason.length);
      value.putShort((short) 0).put((byte) (e.code() / 100)).put((byte) (e.code() % 100)).put(reason);
      writeBytes(out, ERROR_CODE, value.array());
    } else if (attribute instanceof UnknownAttributes u) {
      ByteBuffer value = ByteBuffer.allocate(2 * u.types().size());
      u.types().forEach(t -> value.putShort((short) (int) t));
      writeBytes(out, UNKNOWN_ATTRIBUTES, value.array());
    } else if (attribute instanceof Unknown u) {
      writeBytes(out, u.type(), u.value());
    } else {
      throw new AssertionError("unhandled STUN attribute " + attribute);
    }
  }

  private static void writeBytes(ByteBuffer out, int type, byte[] value) {
    out.putShort((short) type).putShort((short) value.length).put(value);
    out.position(out.position() + ((4 - (value.length & 3)) & 3)); // zero padding
  }

  private static void writeAddress(ByteBuffer out, int type, InetSocketAddress address, TransactionId xorWith) {
    byte[] ip = address.getAddress().getAddress();
    int port = address.getPort();
    if (xorWith != null) {
      port ^= MAGIC_COOKIE >>> 16;
      xorAddress(ip, xorWith);
    }
    out.putShort((short) type).putShort((short) (4 + ip.length));
    out.put((byte) 0).put((byte) (ip.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6)).putShort((short) port).put(ip);
  }

  /** XORs an address with the magic cookie, then (IPv6) the transaction id: RFC 8489 §14.2. */
  private static void xorAddress(byte[] ip, TransactionId id) {
    for (int i = 0; i < ip.length; i++) {
      int mask = i < 4 ? (MAGIC_COOKIE >>> (8 * (3 - i))) & 0xFF : id.get(i - 4) & 0xFF;
      ip[i] ^= (byte) mask;
    }
  }

  private static StunAttribute readAttribute(int type, byte[] value, TransactionId id) throws StunFormatException {
    return switch (type) {
      case MAPPED_ADDRESS -> new MappedAddress(readAddress(type, value, null));
      case XOR_MAPPED_ADDRESS -> new XorMappedAddress(readAddress(type, value, id));
      case RESPONSE_ORIGIN -> new ResponseOrigin(readAddress(type, value, null));
      case OTHER_ADDRESS -> new OtherAddress(readAddress(type, value, null));
      case CHANGE_REQUEST -> {
        requireLength(type, value, 4);
        int flags = ByteBuffer.wrap(value).getInt();
        yield new ChangeRequest((flags & 0x04) != 0, (flags & 0x02) != 0);
      }
      case RESPONSE_PORT -> {
        requireLength(type, value, 4);
        yield new ResponsePort(ByteBuffer.wrap(value).getShort() & 0xFFFF);
      }
      case SOFTWARE -> {
        String text = readText(type, value, 0);
        if (text.codePointCount(0, text.length()) > Software.MAX_CHARS) {
          throw bad(type, "longer than 127 characters");
        }
        yield new Software(text);
      }
      case ERROR_CODE -> {
        if (value.length < 4) {
          throw bad(type, "shorter than 4 bytes");
        }
        int errorClass = value[2] & 0x07;
        int number = value[3] & 0xFF;
        if (errorClass < 3 || errorClass > 6 || number > 99) {
          throw bad(type, "code " + errorClass + "/" + number + " out of range");
        }
        yield new ErrorCode(errorClass * 100 + number, readText(type, value, 4));
      }
      case UNKNOWN_ATTRIBUTES -> {
        if ((value.length & 1) != 0) {
          throw bad(type, "odd length " + value.length);
        }
        List<Integer> types = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(value);
        while (in.hasRemaining()) {
          types.add(in.getShort() & 0xFFFF);
        }
        yield new UnknownAttributes(types);
      }
      default -> new Unknown(type, value);
    };
  }

  private static InetSocketAddress readAddress(int type, byte[] value, TransactionId xorWith)
      throws StunFormatException {
    if (value.length < 4) {
      throw bad(type, "shorter than 4 bytes");
    }
    int family = value[1] & 0xFF;
    int ipLength = family == FAMILY_IPV4 ? 4 : family == FAMILY_IPV6 ? 16 : -1;
    if (ipLength < 0) {
      throw bad(type, "unknown address family " + family);
    }
    requireLength(type, value, 4 + ipLength);
    int port = ((value[2] & 0xFF) << 8) | (value[3] & 0xFF);
    byte[] ip = new byte[ipLength];
    System.arraycopy(value, 4, ip, 0, ipLength);
    if (xorWith != null) {
      port ^= MAGIC_COOKIE >>> 16;
      xorAddress(ip, xorWith);
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException impossible) {
      throw bad(type, "address of " + ipLength + " bytes");
    }
  }

  private static String readText(int type, byte[] value, int offset) throws StunFormatException {
    if (value.length - offset > MAX_TEXT_BYTES) {
      throw bad(type, "text longer than " + MAX_TEXT_BYTES + " bytes");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value, offset, value.length - offset))
          .toString();
    } catch (CharacterCodingException e) {
      throw bad(type, "text is not UTF-8");
    }
  }

  private static void requireLength(int type, byte[] value, int expected) throws StunFormatException {
    if (value.length != expected) {
      throw bad(type, value.length + " bytes, expected " + expected);
    }
  }

  private static StunFormatException bad(int type, String what) {
    return new StunFormatException(Reason.BAD_ATTRIBUTE, "attribute 0x" + Integer.toHexString(type) + ": " + what);
  }
}
