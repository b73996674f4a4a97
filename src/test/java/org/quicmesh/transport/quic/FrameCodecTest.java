package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import org.quicmesh.transport.quic.stream.VarintFrames;
import io.netty.handler.codec.TooLongFrameException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.WireCodec;

class FrameCodecTest {

  @Test
  void encoderAndDecoderRoundTripAMessageSplitAcrossReads() throws Exception {
    Ping ping = new Ping(Contact.of(Keypair.generate().nodeId(), new InetSocketAddress("127.0.0.1", 4000)));
    EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(n -> { }));
    out.writeOutbound(ping);
    ByteBuf frame = out.readOutbound();

    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(n -> { }));
    in.writeInbound(frame.readRetainedSlice(3));
    assertNull(in.readInbound());
    in.writeInbound(frame.readRetainedSlice(frame.readableBytes()));
    frame.release();
    byte[] body = in.readInbound();
    assertEquals(ping, WireCodec.decode(body));
    assertArrayEquals(WireCodec.encode(ping), body);
    assertFalse(in.finish());
    assertFalse(out.finish());
  }

  @Test
  void oversizedLengthIsRefusedBeforeTheBodyArrives() {
    ByteBuf length = Unpooled.buffer();
    VarintFrames.writeHeader(length, WireCodec.MAX_MESSAGE_BYTES + 1);
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(n -> { }));
    Exception e = assertThrows(Exception.class, () -> in.writeInbound(length));
    assertInstanceOf(TooLongFrameException.class, e);
    in.finishAndReleaseAll();
  }

  @Test
  void anEmptyFrameIsCorrupt() {
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(n -> { }));
    Exception e = assertThrows(Exception.class, () -> in.writeInbound(Unpooled.wrappedBuffer(new byte[] {0})));
    assertInstanceOf(CorruptedFrameException.class, e);
    in.finishAndReleaseAll();
  }
}
