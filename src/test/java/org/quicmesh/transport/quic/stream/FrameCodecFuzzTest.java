package org.quicmesh.transport.quic.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.MessageSamples;
import org.quicmesh.wire.WireCodec;
import org.quicmesh.wire.WireFormatException;

/**
 * Randomized frame streams (fixed seed): valid frames, frames with corrupted bodies, garbage, hostile headers and
 * truncation, fed in random chunks to a cumulation as the stream source does. {@link FrameCodec#MESSAGES} plus
 * {@link WireCodec#decode} either yield valid messages or throw {@link WireFormatException}; nothing else escapes,
 * and every buffer is released (the tests run with paranoid leak detection).
 */
class FrameCodecFuzzTest {
  private static final int STREAMS = 3_000;
  private final Random random = new Random(0x5EED_2025L);
  private final List<byte[]> valid = new ArrayList<>();
  private int accepted;
  private int rejected;

  @Test
  void frameStreamsYieldValidMessagesOrAWireFormatException() {
    for (Message m : MessageSamples.typical()) {
      valid.add(WireCodec.encode(m));
    }
    for (int i = 0; i < STREAMS; i++) {
      checkStream(i);
    }
    assertTrue(accepted > 0 && rejected > 0, "the fuzz should exercise both outcomes: " + accepted + "/" + rejected);
  }

  private void checkStream(int index) {
    byte[] bytes = randomStream();
    CompositeByteBuf cumulation = UnpooledByteBufAllocator.DEFAULT.compositeDirectBuffer(Integer.MAX_VALUE);
    List<Message> out = new ArrayList<>();
    try {
      for (int at = 0; at < bytes.length; ) {
        int n = Math.min(bytes.length - at, 1 + random.nextInt(64));
        cumulation.addComponent(true, Unpooled.directBuffer(n).writeBytes(bytes, at, n));
        at += n;
        byte[] body;
        while ((body = FrameCodec.MESSAGES.tryDecode(cumulation)) != null) {
          out.add(WireCodec.decode(body));
          cumulation.discardReadComponents();
        }
      }
      if (cumulation.isReadable()) {
        throw new WireFormatException("ended inside a frame"); // what the stream source reports at FIN
      }
      accepted++;
    } catch (WireFormatException e) {
      rejected++;
    } catch (Throwable t) {
      fail("frame stream #" + index + " " + HexFormat.of().formatHex(bytes) + " escaped as " + t, t);
    } finally {
      cumulation.release();
    }
    for (Message m : out) {
      try {
        assertEquals(m, WireCodec.decode(WireCodec.encode(m)), "stream #" + index);
      } catch (WireFormatException e) {
        fail("stream #" + index + " decoded to " + m + " which does not round-trip", e);
      }
    }
  }

  private byte[] randomStream() {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    int frames = 1 + random.nextInt(4);
    for (int f = 0; f < frames; f++) {
      byte[] body = valid.get(random.nextInt(valid.size()));
      int choice = random.nextInt(10);
      if (choice == 0) {
        byte[] garbage = new byte[random.nextInt(300)];
        random.nextBytes(garbage);
        stream.writeBytes(garbage);
      } else if (choice == 1) {
        stream.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}); // 2 GiB declared
      } else {
        stream.writeBytes(frame(choice == 2 ? corrupt(body) : body));
      }
    }
    byte[] bytes = stream.toByteArray();
    if (random.nextBoolean() && bytes.length > 1) {
      bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length)); // truncated stream
    }
    return bytes;
  }

  /** One to four bit flips or byte replacements; never empty. */
  private byte[] corrupt(byte[] original) {
    byte[] bytes = original.clone();
    for (int e = 1 + random.nextInt(4); e > 0; e--) {
      int at = random.nextInt(bytes.length);
      bytes[at] = random.nextBoolean() ? (byte) (bytes[at] ^ (1 << random.nextInt(8))) : (byte) random.nextInt(256);
    }
    return bytes;
  }

  private static byte[] frame(byte[] body) {
    ByteBuf frame = FrameCodec.MESSAGES.encode(body, UnpooledByteBufAllocator.DEFAULT);
    try {
      return ByteBufUtil.getBytes(frame);
    } finally {
      frame.release();
    }
  }
}
