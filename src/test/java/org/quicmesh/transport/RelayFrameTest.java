package org.quicmesh.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicmesh.transport.RelayFrame.Direction;

/** The framing of datagrams through a relay, and how a socket's demultiplexer tells them from everything else. */
class RelayFrameTest {
  private static final byte[] PAYLOAD = {0x40, 1, 2, 3, 4, 5};
  private static final long SESSION = 0x1122_3344_5566_7788L;

  @Test
  void aFrameSurvivesTheRoundTripThroughItsBytes() {
    for (Direction direction : Direction.values()) {
      byte[] bytes = new RelayFrame(direction, SESSION, PAYLOAD).toBytes();

      RelayFrame parsed = RelayFrame.parse(bytes).orElseThrow();

      assertEquals(direction, parsed.direction());
      assertEquals(SESSION, parsed.session());
      assertArrayEquals(PAYLOAD, parsed.payload());
    }
  }

  @Test
  void aFrameIsItsHeaderFollowedByThePayloadUnchanged() {
    byte[] bytes = new RelayFrame(Direction.TO_RELAY, SESSION, PAYLOAD).toBytes();

    assertEquals(RelayFrame.HEADER_BYTES + PAYLOAD.length, bytes.length);
    assertArrayEquals(RelayFrame.header(Direction.TO_RELAY, SESSION),
        Arrays.copyOf(bytes, RelayFrame.HEADER_BYTES));
    assertArrayEquals(PAYLOAD, Arrays.copyOfRange(bytes, RelayFrame.HEADER_BYTES, bytes.length));
  }

  @Test
  void theHeaderHoldsTheMagicThenDirectionThenSessionAtTheirPublishedOffsets() {
    byte[] header = RelayFrame.header(Direction.FROM_RELAY, SESSION);

    assertEquals(RelayFrame.HEADER_BYTES, header.length);
    assertArrayEquals(new byte[] {0x00, 'Q', 'M', 'R', 0x01}, Arrays.copyOf(header, 5));
    assertEquals(Direction.FROM_RELAY.code(), header[RelayFrame.DIRECTION_AT]);
    assertEquals(SESSION, ByteBuffer.wrap(header).getLong(RelayFrame.SESSION_AT));
  }

  @Test
  void anEmptyPayloadMakesAFrameOfJustTheHeader() {
    byte[] bytes = new RelayFrame(Direction.TO_RELAY, 1L, new byte[0]).toBytes();

    assertEquals(RelayFrame.HEADER_BYTES, bytes.length);
    assertEquals(0, RelayFrame.parse(bytes).orElseThrow().payload().length);
  }

  @Test
  void matchesDirectionAndSessionReadInPlaceAtTheBuffersPosition() {
    byte[] frame = new RelayFrame(Direction.FROM_RELAY, SESSION, PAYLOAD).toBytes();
    byte[] padded = new byte[frame.length + 7];
    System.arraycopy(frame, 0, padded, 3, frame.length);
    ByteBuffer d = ByteBuffer.wrap(padded, 3, frame.length);

    assertTrue(RelayFrame.matches(d));
    assertEquals(Optional.of(Direction.FROM_RELAY), RelayFrame.direction(d));
    assertEquals(SESSION, RelayFrame.session(d));
    assertEquals(3, d.position(), "position not moved");
    assertEquals(3 + frame.length, d.limit(), "limit not moved");
  }

  @Test
  void matchesNeedsAWholeHeaderBetweenPositionAndLimit() {
    byte[] frame = new RelayFrame(Direction.TO_RELAY, SESSION, new byte[0]).toBytes();

    assertTrue(RelayFrame.matches(ByteBuffer.wrap(frame)));
    assertFalse(RelayFrame.matches(ByteBuffer.wrap(frame, 0, RelayFrame.HEADER_BYTES - 1)));
    assertTrue(RelayFrame.parse(Arrays.copyOf(frame, RelayFrame.HEADER_BYTES - 1)).isEmpty());
  }

  @Test
  void anUnknownDirectionByteMatchesButHasNoDirectionAndDoesNotParse() {
    byte[] bytes = new RelayFrame(Direction.TO_RELAY, SESSION, PAYLOAD).toBytes();
    bytes[RelayFrame.DIRECTION_AT] = 9;

    assertTrue(RelayFrame.matches(ByteBuffer.wrap(bytes)));
    assertTrue(RelayFrame.direction(ByteBuffer.wrap(bytes)).isEmpty());
    assertTrue(RelayFrame.parse(bytes).isEmpty());
  }

  @Test
  void anyAlteredMagicByteIsNotAFrame() {
    for (int i = 0; i < 5; i++) {
      byte[] bytes = new RelayFrame(Direction.TO_RELAY, SESSION, PAYLOAD).toBytes();
      bytes[i] ^= 0x02;

      assertFalse(RelayFrame.matches(ByteBuffer.wrap(bytes)), "byte " + i);
      assertTrue(RelayFrame.parse(bytes).isEmpty(), "byte " + i);
    }
  }

  @Test
  void theParsedPayloadIsACopy() {
    byte[] bytes = new RelayFrame(Direction.TO_RELAY, SESSION, PAYLOAD).toBytes();
    RelayFrame parsed = RelayFrame.parse(bytes).orElseThrow();

    bytes[RelayFrame.HEADER_BYTES] ^= 0x7F;

    assertArrayEquals(PAYLOAD, parsed.payload());
  }

  @Test
  void datagramKindClassifiesAFrameAsRelay() {
    for (Direction direction : Direction.values()) {
      assertEquals(Optional.of(DatagramKind.RELAY),
          DatagramKind.of(new RelayFrame(direction, SESSION, PAYLOAD).toBytes()));
    }
  }

  @Test
  void aFrameIsNeverTakenForStunWhateverItCarries() {
    // A frame of STUN's length shape, carrying a STUN binding request, and a session whose bytes spell the cookie.
    byte[] stun = ByteBuffer.allocate(20).putShort((short) 1).putShort((short) 0)
        .putInt(DatagramKind.STUN_MAGIC_COOKIE).array();
    long cookieSession = ((long) DatagramKind.STUN_MAGIC_COOKIE << 32) | DatagramKind.STUN_MAGIC_COOKIE;

    assertEquals(Optional.of(DatagramKind.RELAY),
        DatagramKind.of(new RelayFrame(Direction.TO_RELAY, SESSION, stun).toBytes()));
    assertEquals(Optional.of(DatagramKind.RELAY),
        DatagramKind.of(new RelayFrame(Direction.TO_RELAY, cookieSession, new byte[2]).toBytes()));
  }

  @Test
  void aFrameIsNeverTakenForAProbeAndAProbeNeverForAFrame() {
    byte[] probe = Arrays.copyOf(DatagramKind.probeMagic(), RelayFrame.HEADER_BYTES + 4);

    assertEquals(Optional.of(DatagramKind.PROBE), DatagramKind.of(probe));
    assertFalse(RelayFrame.matches(ByteBuffer.wrap(probe)));
    assertTrue(RelayFrame.parse(probe).isEmpty());
  }

  @Test
  void aFrameCarryingAProbeIsStillARelayFrame() {
    byte[] probe = Arrays.copyOf(DatagramKind.probeMagic(), 30);

    assertEquals(Optional.of(DatagramKind.RELAY),
        DatagramKind.of(new RelayFrame(Direction.FROM_RELAY, SESSION, probe).toBytes()));
  }

  @Test
  void aFrameStartsWithAZeroByteSoNoQuicPacketIsEverOne() {
    byte[] frame = new RelayFrame(Direction.TO_RELAY, SESSION, PAYLOAD).toBytes();

    assertEquals(0, frame[0] & 0x40, "QUIC sets the fixed bit 0x40 in every packet");
    for (int first : new int[] {0x40, 0x41, 0x7F, 0xC0, 0xC3, 0xFF}) {
      byte[] quicLike = frame.clone();
      quicLike[0] = (byte) first;
      assertFalse(RelayFrame.matches(ByteBuffer.wrap(quicLike)), "first byte " + Integer.toHexString(first));
      assertTrue(DatagramKind.of(quicLike).isEmpty(), "first byte " + Integer.toHexString(first));
    }
  }

  @Test
  void directionCodesAreDistinctAndStable() {
    assertEquals(1, Direction.TO_RELAY.code());
    assertEquals(2, Direction.FROM_RELAY.code());
  }
}
