package org.quicmesh.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FramesTest {
  private static final List<Message> STREAM = List.of(
      new Ping(MessageSamples.ME),
      new Value(MessageSamples.bytes(3000, 1)),
      new Ack(),
      new IHave("chat", List.of(MessageSamples.bytes(32, 2))),
      new Publish("chat", MessageSamples.bytes(32, 3), 1, MessageSamples.bytes(200, 4), MessageSamples.bytes(64, 5)));

  private static byte[] streamBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    STREAM.forEach(m -> out.writeBytes(Frames.encodeFrame(m)));
    return out.toByteArray();
  }

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
  void tryReadLengthReturnsMinusOneAndKeepsThePositionWhileTheHeaderIsIncomplete() throws WireFormatException {
    ByteBuffer partial = ByteBuffer.wrap(new byte[] {(byte) 0x80});
    assertEquals(-1, Frames.tryReadLength(partial));
    assertEquals(0, partial.position());
    ByteBuffer complete = ByteBuffer.wrap(new byte[] {(byte) 0x80, 0x01, 9, 9});
    assertEquals(128, Frames.tryReadLength(complete));
    assertEquals(2, complete.position());
  }

  @Test
  void everySplitPointOfAStreamYieldsTheSameMessages() throws WireFormatException {
    byte[] bytes = streamBytes();
    for (int split = 0; split <= bytes.length; split++) {
      FrameDecoder decoder = new FrameDecoder();
      List<Message> out = new ArrayList<>(decoder.feed(bytes, 0, split));
      out.addAll(decoder.feed(bytes, split, bytes.length - split));
      decoder.finish();
      assertEquals(STREAM, out, "split at " + split);
    }
  }

  @Test
  void randomChunkingAndByteAtATimeYieldTheSameMessages() throws WireFormatException {
    byte[] bytes = streamBytes();
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      FrameDecoder decoder = new FrameDecoder();
      List<Message> out = new ArrayList<>();
      int maxChunk = round == 0 ? 1 : 1 + random.nextInt(600);
      for (int at = 0; at < bytes.length; ) {
        int n = Math.min(bytes.length - at, 1 + random.nextInt(maxChunk));
        decoder.feed(ByteBuffer.wrap(bytes, at, n), out::add);
        at += n;
      }
      decoder.finish();
      assertEquals(STREAM, out, "round " + round);
    }
  }

  @Test
  void oneChunkMayCarryManyFrames() throws WireFormatException {
    FrameDecoder decoder = new FrameDecoder();
    assertEquals(STREAM, decoder.feed(streamBytes()));
    assertTrue(decoder.isIdle());
  }

  @Test
  void aHugeDeclaredLengthIsRejectedFromItsHeaderWithoutAllocating() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    FrameDecoder decoder = new FrameDecoder();
    // 0xffffffff07 declares 2^31 - 1 bytes; the third byte already proves the length exceeds 256 KiB.
    byte[] header = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    long before = threads.getThreadAllocatedBytes(thread);
    WireFormatException e = assertThrows(WireFormatException.class, () -> decoder.feed(header));
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes");
  }

  @Test
  void aLengthOneByteOverTheLimitIsRejected() {
    byte[] header = new byte[5];
    int n = Frames.writeVarint(Limits.MAX_FRAME_BYTES + 1, header, 0);
    assertThrows(WireFormatException.class, () -> new FrameDecoder().feed(header, 0, n));
    assertThrows(WireFormatException.class, () -> Frames.tryReadLength(ByteBuffer.wrap(header, 0, n)));
  }

  @Test
  void aTighterPerStreamLimitIsHonoured() {
    byte[] frame = Frames.encodeFrame(new Value(new byte[2000]));
    assertThrows(WireFormatException.class, () -> new FrameDecoder(1024).feed(frame));
  }

  @Test
  void anOverLongVarintIsRejected() {
    byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
    assertThrows(WireFormatException.class, () -> new FrameDecoder().feed(sixBytes));
    assertThrows(WireFormatException.class,
        () -> Frames.tryReadLength(ByteBuffer.wrap(sixBytes), Integer.MAX_VALUE));
  }

  @Test
  void aNonMinimalVarintIsRejected() {
    byte[] paddedFive = {(byte) 0x85, 0x00, 1, 2, 3, 4, 5};
    WireFormatException e = assertThrows(WireFormatException.class, () -> new FrameDecoder().feed(paddedFive));
    assertTrue(e.getMessage().contains("non-minimal"), e.getMessage());
  }

  @Test
  void anEmptyFrameIsRejected() {
    assertThrows(WireFormatException.class, () -> new FrameDecoder().feed(new byte[] {0x00}));
  }

  @Test
  void aStreamEndingInsideABodyIsTruncated() throws WireFormatException {
    byte[] frame = Frames.encodeFrame(new Ping(MessageSamples.ME));
    FrameDecoder decoder = new FrameDecoder();
    assertEquals(List.of(), decoder.feed(frame, 0, frame.length - 1));
    assertEquals(frame.length - 1, decoder.bufferedBytes());
    WireFormatException e = assertThrows(WireFormatException.class, decoder::finish);
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aStreamEndingInsideAHeaderIsTruncated() throws WireFormatException {
    FrameDecoder decoder = new FrameDecoder();
    decoder.feed(new byte[] {(byte) 0x80});
    assertThrows(WireFormatException.class, decoder::finish);
  }

  @Test
  void messagesBeforeABadFrameAreDeliveredAndTheDecoderThenStaysFailed() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Frames.encodeFrame(new Ack()));
    out.writeBytes(new byte[] {0x02, (byte) 0xff, (byte) 0xff}); // a 2-byte frame that is not CBOR
    out.writeBytes(Frames.encodeFrame(new Ack()));
    List<Message> delivered = new ArrayList<>();
    FrameDecoder decoder = new FrameDecoder();
    assertThrows(WireFormatException.class, () -> decoder.feed(ByteBuffer.wrap(out.toByteArray()), delivered::add));
    assertEquals(List.of(new Ack()), delivered);
    assertThrows(WireFormatException.class, () -> decoder.feed(Frames.encodeFrame(new Ack())));
    assertThrows(WireFormatException.class, decoder::finish);
  }

  @Test
  void decodeFrameRequiresExactlyOneCompleteFrame() throws WireFormatException {
    byte[] frame = Frames.encodeFrame(new Ack());
    assertEquals(new Ack(), Frames.decodeFrame(frame));
    assertThrows(WireFormatException.class, () -> Frames.decodeFrame(java.util.Arrays.copyOf(frame, frame.length - 1)));
    assertThrows(WireFormatException.class, () -> Frames.decodeFrame(java.util.Arrays.copyOf(frame, frame.length + 1)));
    assertThrows(WireFormatException.class, () -> Frames.decodeFrame(new byte[0]));
  }

  @Test
  void aBodyTooLargeForAFrameCannotBeFramed() {
    assertThrows(IllegalArgumentException.class, () -> Frames.frame(new byte[Limits.MAX_FRAME_BYTES + 1]));
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
    assertEquals(-1, Frames.tryReadLength(buffer));
    assertEquals(0, buffer.position());
  }
}
