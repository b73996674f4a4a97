package org.quicmesh.transport.quic;


import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.quicmesh.transport.DatagramKind;

class PacketClassifierTest {

  private static PacketClass classify(byte[] bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    try {
      PacketClass result = PacketClassifier.classify(buf);
      assertEquals(0, buf.readerIndex(), "classification does not consume");
      return result;
    } finally {
      buf.release();
    }
  }

  private static byte[] longHeader(byte firstDcidByte) {
    byte[] p = new byte[1200];
    p[0] = (byte) 0xC0; // long header, Initial
    p[1] = 0; p[2] = 0; p[3] = 0; p[4] = 1; // version 1
    p[5] = (byte) ConnectionIds.LENGTH;
    p[6] = firstDcidByte;
    return p;
  }

  private static byte[] shortHeader(byte firstDcidByte) {
    byte[] p = new byte[60];
    p[0] = 0x40;
    p[1] = firstDcidByte;
    return p;
  }

  @Test
  void longHeaderWithClientPrefixedDcidGoesToTheClientCodec() {
    assertEquals(PacketClass.QUIC_CLIENT, classify(longHeader(ConnectionIds.CLIENT_PREFIX)));
  }

  @Test
  void longHeaderWithAnyOtherDcidGoesToTheServerCodec() {
    assertEquals(PacketClass.QUIC_SERVER, classify(longHeader(ConnectionIds.SERVER_PREFIX)));
    assertEquals(PacketClass.QUIC_SERVER, classify(longHeader((byte) 0x07)));
  }

  @Test
  void shortHeaderIsRoutedByTheByteAfterTheFlags() {
    assertEquals(PacketClass.QUIC_CLIENT, classify(shortHeader(ConnectionIds.CLIENT_PREFIX)));
    assertEquals(PacketClass.QUIC_SERVER, classify(shortHeader(ConnectionIds.SERVER_PREFIX)));
  }

  @Test
  void truncatedQuicHeadersAreUnknown() {
    assertEquals(PacketClass.UNKNOWN, classify(new byte[] {(byte) 0xC0, 0, 0, 0, 1}));
    byte[] dcidTooLong = longHeader(ConnectionIds.SERVER_PREFIX);
    dcidTooLong[5] = 21;
    assertEquals(PacketClass.UNKNOWN, classify(dcidTooLong));
    assertEquals(PacketClass.UNKNOWN, classify(new byte[] {0x40, ConnectionIds.CLIENT_PREFIX}));
  }

  @Test
  void stunBindingRequestIsRecognisedByItsMagicCookie() {
    byte[] stun = new byte[20];
    stun[0] = 0x00; stun[1] = 0x01; // binding request, no attributes
    stun[4] = 0x21; stun[5] = 0x12; stun[6] = (byte) 0xA4; stun[7] = 0x42;
    assertEquals(PacketClass.STUN, classify(stun));
  }

  @Test
  void stunWithALengthBeyondTheDatagramIsUnknown() {
    byte[] stun = new byte[20];
    stun[3] = 8;
    stun[4] = 0x21; stun[5] = 0x12; stun[6] = (byte) 0xA4; stun[7] = 0x42;
    assertEquals(PacketClass.UNKNOWN, classify(stun));
  }

  @Test
  void probeIsRecognisedByOurMagic() {
    byte[] probe = new byte[32];
    byte[] magic = DatagramKind.probeMagic();
    System.arraycopy(magic, 0, probe, 0, magic.length);
    assertEquals(PacketClass.PROBE, classify(probe));
  }

  @Test
  void emptyAndRandomLowBytesAreUnknown() {
    assertEquals(PacketClass.UNKNOWN, classify(new byte[0]));
    assertEquals(PacketClass.UNKNOWN, classify(new byte[] {0x00, 'x', 'y', 'z', 1, 2, 3}));
  }
}
