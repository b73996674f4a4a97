package org.quicmesh.nat.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
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

class StunCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 5769 §2.2, sample IPv4 response (MESSAGE-INTEGRITY kept as an unknown attribute). */
  static final byte[] RFC5769_IPV4_RESPONSE = HEX.parseHex(
      "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
          + "002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96");

  /** RFC 5769 §2.3, sample IPv6 response. */
  static final byte[] RFC5769_IPV6_RESPONSE = HEX.parseHex(
      "010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
          + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d900080014a382954e4be67bf11784c97c8292c275bfe3ed41"
          + "80280004c8fb0b4c");

  @Test
  void decodesTheRfc5769Ipv4Response() throws Exception {
    StunMessage m = StunCodec.decode(RFC5769_IPV4_RESPONSE);
    assertEquals(StunClass.SUCCESS_RESPONSE, m.type());
    assertTrue(m.isBinding());
    assertEquals("b7e7a701bc34d686fa87dfae", m.transactionId().toString());
    assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853),
        m.attribute(XorMappedAddress.class).orElseThrow().address());
    assertEquals("test vector", m.attribute(Software.class).orElseThrow().description());
    assertEquals(0x0008, m.attribute(Unknown.class).orElseThrow().type());
  }

  @Test
  void decodesTheRfc5769Ipv6Response() throws Exception {
    StunMessage m = StunCodec.decode(RFC5769_IPV6_RESPONSE);
    assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
        m.attribute(XorMappedAddress.class).orElseThrow().address());
  }

  @Test
  void messageTypesOfBindingMatchTheRfc() {
    assertEquals(0x0001, StunCodec.messageType(StunClass.REQUEST, StunMessage.BINDING));
    assertEquals(0x0011, StunCodec.messageType(StunClass.INDICATION, StunMessage.BINDING));
    assertEquals(0x0101, StunCodec.messageType(StunClass.SUCCESS_RESPONSE, StunMessage.BINDING));
    assertEquals(0x0111, StunCodec.messageType(StunClass.ERROR_RESPONSE, StunMessage.BINDING));
    assertEquals(0x3EEF, StunCodec.messageType(StunClass.REQUEST, 0xFFF));
  }

  @Test
  void everyAttributeSurvivesARoundTrip() throws Exception {
    TransactionId id = TransactionId.random(new Random(1));
    var v4 = new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 40000);
    var v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 3478);
    List<StunAttribute> attributes = List.of(new MappedAddress(v4), new XorMappedAddress(v4), new XorMappedAddress(v6),
        new ResponseOrigin(v6), new OtherAddress(v4), new ChangeRequest(true, false), new ChangeRequest(false, true),
        new ResponsePort(65535), new Software("quicmesh ünïcode"), new ErrorCode(420, "Unknown Attribute"),
        new UnknownAttributes(List.of(0x0003, 0x0027, 0x7FFF)), new Unknown(0xC001, new byte[] {1, 2, 3}));
    for (StunClass type : StunClass.values()) {
      StunMessage message = new StunMessage(type, StunMessage.BINDING, id, attributes);
      byte[] encoded = StunCodec.encode(message);
      assertEquals(0, encoded.length % 4);
      StunMessage decoded = StunCodec.decode(encoded);
      assertEquals(type, decoded.type());
      assertEquals(id, decoded.transactionId());
      assertEquals(attributes.size(), decoded.attributes().size());
      for (int i = 0; i < attributes.size(); i++) {
        if (attributes.get(i) instanceof Unknown u) {
          assertArrayEquals(u.value(), ((Unknown) decoded.attributes().get(i)).value());
        } else {
          assertEquals(attributes.get(i), decoded.attributes().get(i));
        }
      }
      assertArrayEquals(encoded, StunCodec.encode(decoded), "re-encoding is stable");
    }
  }

  @Test
  void theClassIsReadFromTheTypeBitsWithoutDecoding() {
    TransactionId id = TransactionId.random(new Random(6));
    for (StunClass type : StunClass.values()) {
      byte[] encoded = StunCodec.encode(new StunMessage(type, StunMessage.BINDING, id, List.of()));
      assertEquals(type, StunCodec.classOf(encoded));
    }
    assertEquals(StunClass.SUCCESS_RESPONSE, StunCodec.classOf(RFC5769_IPV4_RESPONSE));
  }

  @Test
  void everyEncodedMessageEndsWithAValidFingerprint() throws Exception {
    byte[] encoded = StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(new Random(2))));
    assertEquals(28, encoded.length);
    assertEquals(0x8028, ByteBuffer.wrap(encoded, 20, 2).getShort() & 0xFFFF);
    encoded[10] ^= 1; // a changed transaction id breaks the fingerprint
    assertEquals(Reason.BAD_FINGERPRINT, reasonOf(encoded));
  }

  @Test
  void refusesWhatIsNotWellFormedStunWithASpecificReason() {
    byte[] valid = StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(new Random(3)),
        new Software("x")));
    assertEquals(Reason.TOO_SHORT, reasonOf(new byte[19]));
    assertEquals(Reason.TOO_LARGE, reasonOf(new byte[StunCodec.MAX_MESSAGE_BYTES + 1]));
    byte[] noCookie = valid.clone();
    noCookie[4] = 0;
    assertEquals(Reason.NOT_STUN, reasonOf(noCookie));
    byte[] quicLike = valid.clone();
    quicLike[0] = (byte) 0xC0;
    assertEquals(Reason.NOT_STUN, reasonOf(quicLike));
    byte[] wrongLength = valid.clone();
    wrongLength[3] += 4;
    assertEquals(Reason.BAD_LENGTH, reasonOf(wrongLength));
    byte[] attributePastEnd = valid.clone();
    attributePastEnd[23] = 100; // SOFTWARE claims 100 bytes
    assertEquals(Reason.BAD_ATTRIBUTE, reasonOf(attributePastEnd));
    byte[] truncated = new byte[valid.length - 8]; // drop the fingerprint: now the header's length is wrong
    System.arraycopy(valid, 0, truncated, 0, truncated.length);
    assertEquals(Reason.BAD_LENGTH, reasonOf(truncated));
  }

  @Test
  void refusesMalformedKnownAttributes() {
    TransactionId id = TransactionId.random(new Random(4));
    assertEquals(Reason.BAD_ATTRIBUTE, reasonOf(withRawAttribute(id, 0x0020, new byte[] {0, 9, 0, 1, 1, 2, 3, 4})));
    assertEquals(Reason.BAD_ATTRIBUTE, reasonOf(withRawAttribute(id, 0x0020, new byte[] {0, 1, 0, 1, 1, 2})));
    assertEquals(Reason.BAD_ATTRIBUTE, reasonOf(withRawAttribute(id, 0x0003, new byte[] {0, 0})));
    assertEquals(Reason.BAD_ATTRIBUTE, reasonOf(withRawAttribute(id, 0x8022, new byte[] {(byte) 0xC3, 0x28})));
    assertEquals(Reason.BAD_ATTRIBUTE, reasonOf(withRawAttribute(id, 0x0009, new byte[] {0, 0, 7, 0})));
    assertEquals(Reason.BAD_ATTRIBUTE, reasonOf(withRawAttribute(id, 0x000A, new byte[] {0, 3, 0})));
  }

  @Test
  void refusesTooManyAttributesAndAnythingAfterTheFingerprint() {
    TransactionId id = TransactionId.random(new Random(5));
    StunAttribute[] many = new StunAttribute[StunCodec.MAX_ATTRIBUTES + 1];
    java.util.Arrays.fill(many, new ChangeRequest(false, false));
    assertEquals(Reason.TOO_MANY_ATTRIBUTES, reasonOf(StunCodec.encode(StunMessage.bindingRequest(id, many))));
    // header, a valid FINGERPRINT (its CRC covers the header with the final length), then SOFTWARE "x"
    ByteBuffer after = ByteBuffer.allocate(20 + 8 + 8);
    after.putShort((short) 0x0001).putShort((short) 16).putInt(StunCodec.MAGIC_COOKIE).put(id.bytes());
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(after.array(), 0, 20);
    after.putShort((short) 0x8028).putShort((short) 4).putInt((int) crc.getValue() ^ 0x5354554E);
    after.putShort((short) 0x8022).putShort((short) 1).put((byte) 'x');
    assertEquals(Reason.BAD_ATTRIBUTE, reasonOf(after.array()));
  }

  /** A message with one raw attribute and no fingerprint, as an RFC 3489 client would send. */
  static byte[] withRawAttribute(TransactionId id, int type, byte[] value) {
    int padded = (value.length + 3) & ~3;
    ByteBuffer out = ByteBuffer.allocate(20 + 4 + padded);
    out.putShort((short) 0x0001).putShort((short) (4 + padded)).putInt(StunCodec.MAGIC_COOKIE).put(id.bytes());
    out.putShort((short) type).putShort((short) value.length).put(value);
    return out.array();
  }

  static Reason reasonOf(byte[] datagram) {
    return assertThrows(StunFormatException.class, () -> StunCodec.decode(datagram)).reason();
  }
}
