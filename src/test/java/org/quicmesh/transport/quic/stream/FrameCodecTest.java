package org.quicmesh.transport.quic.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.FrameTooLargeException;
import org.quicmesh.wire.Frames;
import org.quicmesh.wire.Limits;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.MessageSamples;
import org.quicmesh.wire.Value;
import org.quicmesh.wire.WireCodec;
import org.quicmesh.wire.WireFormatException;

/** The one frame codec of the RPC and stream paths: every guarantee of framing, on Netty buffers. */
class FrameCodecTest {
  private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
  private static final List<Message> STREAM = List.of(
      MessageSamples.typical().get(0),
      new Value(new byte[3000]),
      new Ack(),
      MessageSamples.typical().get(MessageSamples.typical().size() - 1));

  static List<Message> typical() {
    return MessageSamples.typical();
  }

  static List<Message> largest() {
    return MessageSamples.largest();
  }

  private static byte[] streamBytes() {
    ByteBuf out = Unpooled.buffer();
    try {
      for (Message m : STREAM) {
        ByteBuf frame = FrameCodec.encode(m, ALLOC);
        out.writeBytes(frame);
        frame.release();
      }
      byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      return bytes;
    } finally {
      out.release();
    }
  }

  /** Feeds {@code bytes} in the given chunk sizes to a cumulation, as the stream source does, decoding eagerly. */
  private static List<Message> decodeInChunks(byte[] bytes, int[] chunkEnds) throws WireFormatException {
    CompositeByteBuf cumulation = ALLOC.compositeBuffer(Integer.MAX_VALUE);
    List<Message> out = new ArrayList<>();
    try {
      int at = 0;
      for (int end : chunkEnds) {
        cumulation.addComponent(true, Unpooled.wrappedBuffer(bytes, at, end - at));
        at = end;
        byte[] body;
        while ((body = FrameCodec.MESSAGES.tryDecode(cumulation)) != null) {
          out.add(WireCodec.decode(body));
          cumulation.discardReadComponents();
        }
      }
      assertEquals(0, cumulation.readableBytes(), "nothing left over");
      return out;
    } finally {
      cumulation.release();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("typical")
  void everyMessageSurvivesFraming(Message message) throws WireFormatException {
    assertEquals(List.of(message), decodeOne(message));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("largest")
  void theLargestLegalMessagesFitInOneFrame(Message message) throws WireFormatException {
    assertEquals(List.of(message), decodeOne(message));
  }

  private static List<Message> decodeOne(Message message) throws WireFormatException {
    ByteBuf frame = FrameCodec.encode(message, ALLOC);
    try {
      byte[] bytes = new byte[frame.readableBytes()];
      frame.getBytes(0, bytes);
      assertEquals(FrameCodec.headerSize(WireCodec.encode(message).length) + WireCodec.encode(message).length,
          bytes.length);
      return decodeInChunks(bytes, new int[] {bytes.length});
    } finally {
      frame.release();
    }
  }

  @Test
  void everySplitPointOfAStreamYieldsTheSameMessages() throws WireFormatException {
    byte[] bytes = streamBytes();
    for (int split = 0; split <= bytes.length; split++) {
      assertEquals(STREAM, decodeInChunks(bytes, new int[] {split, bytes.length}), "split at " + split);
    }
  }

  @Test
  void randomChunkingAndByteAtATimeYieldTheSameMessages() throws WireFormatException {
    byte[] bytes = streamBytes();
    Random random = new Random(7);
    for (int round = 0; round < 100; round++) {
      int maxChunk = round == 0 ? 1 : 1 + random.nextInt(600);
      List<Integer> ends = new ArrayList<>();
      for (int at = 0; at < bytes.length; ) {
        at = Math.min(bytes.length, at + 1 + random.nextInt(maxChunk));
        ends.add(at);
      }
      assertEquals(STREAM, decodeInChunks(bytes, ends.stream().mapToInt(Integer::intValue).toArray()),
          "round " + round);
    }
  }

  @Test
  void framesOfEveryHeaderWidthRoundTrip() throws Exception {
    FrameCodec codec = FrameCodec.bytes(Integer.MAX_VALUE);
    for (int length : new int[] {0, 1, 127, 128, 16_383, 16_384, 2_097_152}) {
      byte[] body = new byte[length];
      if (length > 0) {
        body[length - 1] = 7;
      }
      ByteBuf frame = codec.encode(body, ALLOC);
      try {
        assertEquals(FrameCodec.headerSize(length) + length, frame.readableBytes());
        assertArrayEquals(body, codec.tryDecode(frame));
        assertEquals(0, frame.readableBytes());
      } finally {
        frame.release();
      }
    }
  }

  @Test
  void anIncompleteFrameConsumesNothing() throws Exception {
    ByteBuf frame = FrameCodec.bytes(1000).encode(new byte[300], ALLOC);
    try {
      ByteBuf partial = frame.slice(0, 200);
      assertNull(FrameCodec.bytes(1000).tryDecode(partial));
      assertEquals(0, partial.readerIndex());
      ByteBuf partialHeader = frame.slice(0, 1);
      assertNull(FrameCodec.bytes(1000).tryDecode(partialHeader));
      assertEquals(0, partialHeader.readerIndex());
    } finally {
      frame.release();
    }
  }

  @Test
  void aHugeDeclaredLengthIsRejectedFromItsHeaderWithoutAllocating() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    // 0xffffffff07 declares 2^31 - 1 bytes; the third byte already proves the length exceeds 256 KiB.
    ByteBuf header = Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    long before = threads.getThreadAllocatedBytes(thread);
    WireFormatException e = assertThrows(FrameTooLargeException.class, () -> FrameCodec.MESSAGES.tryDecode(header));
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes");
    assertEquals(0, header.readerIndex());
  }

  @Test
  void aLengthOneByteOverTheLimitIsRejected() {
    ByteBuf header = Unpooled.buffer();
    ByteBuf small = Unpooled.buffer();
    try {
      FrameCodec.writeHeader(header, Limits.MAX_FRAME_BYTES + 1);
      assertThrows(FrameTooLargeException.class, () -> FrameCodec.MESSAGES.tryDecode(header));
      FrameCodec.writeHeader(small, 1001);
      assertThrows(FrameTooLargeException.class, () -> FrameCodec.bytes(1000).tryDecode(small));
    } finally {
      header.release();
      small.release();
    }
  }

  @Test
  void aTighterLimitIsHonoured() {
    ByteBuf frame = FrameCodec.encode(new Value(new byte[2000]), ALLOC);
    try {
      assertThrows(FrameTooLargeException.class, () -> FrameCodec.bytes(1024).tryDecode(frame));
    } finally {
      frame.release();
    }
  }

  @Test
  void anOverLongVarintIsMalformed() {
    ByteBuf sixBytes = Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, 0x01});
    assertThrows(WireFormatException.class, () -> FrameCodec.bytes(Integer.MAX_VALUE).tryDecode(sixBytes));
  }

  @Test
  void aNonMinimalVarintIsMalformed() {
    ByteBuf paddedFive = Unpooled.wrappedBuffer(new byte[] {(byte) 0x85, 0x00, 1, 2, 3, 4, 5});
    WireFormatException e = assertThrows(WireFormatException.class, () -> FrameCodec.MESSAGES.tryDecode(paddedFive));
    assertTrue(e.getMessage().contains("non-minimal"), e.getMessage());
  }

  @Test
  void anEmptyFrameIsNoMessageButAnEmptyByteFrameIsFine() throws WireFormatException {
    WireFormatException e = assertThrows(WireFormatException.class,
        () -> FrameCodec.MESSAGES.tryDecode(Unpooled.wrappedBuffer(new byte[] {0x00})));
    assertEquals("empty frame", e.getMessage());
    assertArrayEquals(new byte[0], FrameCodec.bytes(10).tryDecode(Unpooled.wrappedBuffer(new byte[] {0x00})));
  }

  @Test
  void framesBeforeABadFrameAreDecodedAndTheBadOneStops() throws WireFormatException {
    ByteBuf in = Unpooled.buffer();
    ByteBuf ack = FrameCodec.encode(new Ack(), ALLOC);
    in.writeBytes(ack, ack.readerIndex(), ack.readableBytes());
    in.writeBytes(new byte[] {(byte) 0x81, 0x00}); // non-minimal header
    in.writeBytes(ack);
    ack.release();
    try {
      assertEquals(new Ack(), WireCodec.decode(FrameCodec.MESSAGES.tryDecode(in)));
      int before = in.readerIndex();
      assertThrows(WireFormatException.class, () -> FrameCodec.MESSAGES.tryDecode(in));
      assertEquals(before, in.readerIndex(), "a bad header consumes nothing: the caller decides to stop");
    } finally {
      in.release();
    }
  }

  @Test
  void theEncoderRefusesABodyOutOfBoundsBeforeAllocating() {
    ByteBufAllocator refusing = new AbstractByteBufAllocator() {
      @Override
      protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        throw new AssertionError("allocated " + initialCapacity + " bytes for a frame it refuses");
      }

      @Override
      protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        throw new AssertionError("allocated " + initialCapacity + " bytes for a frame it refuses");
      }

      @Override
      public boolean isDirectBufferPooled() {
        return false;
      }
    };
    assertThrows(IllegalArgumentException.class,
        () -> FrameCodec.MESSAGES.encode(new byte[Limits.MAX_FRAME_BYTES + 1], refusing));
    assertThrows(IllegalArgumentException.class, () -> FrameCodec.MESSAGES.encode(new byte[0], refusing));
    assertThrows(IllegalArgumentException.class, () -> FrameCodec.bytes(10).encode(new byte[11], refusing));
  }

  @Test
  void theHeaderIsTheMinimalVarintOfTheFrameFormat() {
    ByteBuf frame = FrameCodec.bytes(1000).encode(new byte[300], ALLOC);
    try {
      byte[] expected = new byte[Limits.MAX_VARINT_BYTES];
      int n = Frames.writeVarint(300, expected, 0);
      assertEquals(2, n);
      assertEquals(expected[0], frame.getByte(0));
      assertEquals(expected[1], frame.getByte(1));
      assertTrue(frame.isDirect(), "frames are written from direct buffers");
    } finally {
      frame.release();
    }
  }
}
