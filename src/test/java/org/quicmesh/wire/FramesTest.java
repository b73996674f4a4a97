package org.quicmesh.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The header rules of the frame format. The codec built on them, with its framing guarantees (chunking, limits, empty
 * frames), is tested in {@code transport.quic.stream.FrameCodecTest}.
 */
class FramesTest {
  @Test
  void varintsUseTheMinimalLeb128Encoding() {
    int[] values = {1, 127, 128, 300, 16_383, 16_384, Limits.MAX_FRAME_BYTES, Integer.MAX_VALUE};
    byte[][] expected = {
        {0x01}, {0x7f}, {(byte) 0x80, 0x01}, {(byte) 0xac, 0x02}, {(byte) 0xff, 0x7f}, {(byte) 0x80, (byte) 0x80, 0x01},
        {(byte) 0x80, (byte) 0x80, 0x10}, {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}};
    for (int i = 0; i < values.length; i++) {
      byte[] out = new byte[5];
      int n = Frames.writeVarint(values[i], out, 0);
      assertEquals(Frames.varintSize(values[i]), n);
      assertArrayEquals(expected[i], java.util.Arrays.copyOf(out, n), "varint of " + values[i]);
    }
  }

  @Test
  void aHugeDeclaredLengthIsRejectedFromItsHeaderWithoutAllocating() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    // 0xffffffff07 declares 2^31 - 1 bytes; the third byte already proves the length exceeds 256 KiB.
    byte[] header = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    long before = threads.getThreadAllocatedBytes(thread);
    WireFormatException e = assertThrows(FrameTooLargeException.class,
        () -> Frames.tryReadVarint(ByteBuffer.wrap(header), Limits.MAX_FRAME_BYTES));
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes");
  }

  @Test
  void aLengthOneByteOverTheLimitIsRejected() throws WireFormatException {
    byte[] header = new byte[5];
    int n = Frames.writeVarint(Limits.MAX_FRAME_BYTES + 1, header, 0);
    assertThrows(FrameTooLargeException.class,
        () -> Frames.tryReadVarint(ByteBuffer.wrap(header, 0, n), Limits.MAX_FRAME_BYTES));
    ByteBuffer atTheLimit = ByteBuffer.wrap(header, 0, Frames.writeVarint(Limits.MAX_FRAME_BYTES, header, 0));
    assertEquals(Limits.MAX_FRAME_BYTES, Frames.tryReadVarint(atTheLimit, Limits.MAX_FRAME_BYTES));
  }

  @Test
  void anOverLongVarintIsRejected() {
    byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
    assertThrows(WireFormatException.class, () -> Frames.tryReadVarint(ByteBuffer.wrap(sixBytes), Integer.MAX_VALUE));
  }

  @Test
  void aNonMinimalVarintIsRejected() {
    byte[] paddedFive = {(byte) 0x85, 0x00, 1, 2, 3, 4, 5};
    WireFormatException e = assertThrows(WireFormatException.class,
        () -> Frames.tryReadVarint(ByteBuffer.wrap(paddedFive), Limits.MAX_FRAME_BYTES));
    assertTrue(e.getMessage().contains("non-minimal"), e.getMessage());
  }

  @Test
  void rawVarintsRoundTripFromZeroToIntMax() throws WireFormatException {
    for (int value : new int[] {0, 1, 127, 128, 16_383, 16_384, Limits.MAX_FRAME_BYTES, Integer.MAX_VALUE}) {
      byte[] out = new byte[Limits.MAX_VARINT_BYTES];
      int n = Frames.writeVarint(value, out, 0);
      ByteBuffer buffer = ByteBuffer.wrap(out, 0, n);
      assertEquals(value, Frames.tryReadVarint(buffer, Integer.MAX_VALUE));
      assertEquals(n, buffer.position());
    }
  }

  @Test
  void anIncompleteVarintLeavesThePosition() throws WireFormatException {
    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 0x80});
    assertEquals(-1, Frames.tryReadVarint(buffer, Integer.MAX_VALUE));
    assertEquals(0, buffer.position());
  }
}
