package org.quicmesh.transport.quic.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.quicmesh.wire.WireFormatException;

class VarintFramesTest {
  @Test
  void framesOfEveryHeaderWidthRoundTrip() throws Exception {
    for (int length : new int[] {0, 1, 127, 128, 16_383, 16_384, 2_097_152}) {
      byte[] body = new byte[length];
      if (length > 0) {
        body[length - 1] = 7;
      }
      ByteBuf frame = VarintFrames.encode(body, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
      try {
        assertEquals(VarintFrames.headerSize(length) + length, frame.readableBytes());
        assertArrayEquals(body, VarintFrames.tryDecode(frame, Integer.MAX_VALUE));
        assertEquals(0, frame.readableBytes());
      } finally {
        frame.release();
      }
    }
  }

  @Test
  void incompleteFrameConsumesNothing() throws Exception {
    ByteBuf frame = VarintFrames.encode(new byte[300], io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
    try {
      ByteBuf partial = frame.slice(0, 200);
      assertNull(VarintFrames.tryDecode(partial, 1000));
      assertEquals(0, partial.readerIndex());
      assertNull(VarintFrames.tryDecode(frame.slice(0, 1), 1000));
    } finally {
      frame.release();
    }
  }

  @Test
  void frameAboveTheLimitIsRejectedFromItsHeader() {
    ByteBuf header = Unpooled.buffer();
    VarintFrames.writeHeader(header, 1_000_000);
    assertThrows(WireFormatException.class, () -> VarintFrames.tryDecode(header, 1000));
  }

  @Test
  void overlongOrPaddedVarintIsRejected() {
    ByteBuf tooLong = Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, 0x01});
    assertThrows(WireFormatException.class, () -> VarintFrames.tryDecode(tooLong, Integer.MAX_VALUE));
    ByteBuf padded = Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0x00, 0x00});
    assertThrows(WireFormatException.class, () -> VarintFrames.tryDecode(padded, Integer.MAX_VALUE));
  }
}
