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
import io.netty.handler.codec.TooLongFrameException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.transport.quic.stream.FrameCodec;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.WireCodec;

/** The request stream's pipeline ends: the one frame codec behind Netty's cumulation, with the RPC's exceptions. */
class RpcFramesTest {

  private final List<Long> sent = new ArrayList<>();
  private final List<Long> received = new ArrayList<>();

  @Test
  void encoderAndDecoderRoundTripAMessageSplitAcrossReads() throws Exception {
    Ping ping = new Ping(Contact.of(Keypair.generate().nodeId(), new InetSocketAddress("127.0.0.1", 4000)));
    EmbeddedChannel out = new EmbeddedChannel(new RpcFrames.FrameWriter(sent::add));
    out.writeOutbound(ping);
    ByteBuf frame = out.readOutbound();

    EmbeddedChannel in = new EmbeddedChannel(new RpcFrames.FrameReader(received::add));
    in.writeInbound(frame.readRetainedSlice(3));
    assertNull(in.readInbound());
    in.writeInbound(frame.readRetainedSlice(frame.readableBytes()));
    frame.release();
    byte[] body = in.readInbound();
    assertEquals(ping, WireCodec.decode(body));
    assertArrayEquals(WireCodec.encode(ping), body);
    assertFalse(in.finish());
    assertFalse(out.finish());
    long frameBytes = FrameCodec.headerSize(body.length) + body.length;
    assertEquals(List.of(frameBytes), sent, "bytes counted as sent");
    assertEquals(List.of(frameBytes), received, "bytes counted as received");
  }

  @Test
  void afterABadFrameAllFurtherInputIsDiscarded() {
    EmbeddedChannel in = new EmbeddedChannel(new RpcFrames.FrameReader(received::add));
    // A non-minimal header, then a valid frame the reader must not deliver.
    assertThrows(CorruptedFrameException.class,
        () -> in.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0x00, 0x01, 0x00})));
    ByteBuf ack = FrameCodec.encode(new Ack(), in.alloc());
    in.writeInbound(ack);
    assertNull(in.readInbound());
    assertFalse(in.finish());
    assertEquals(List.of(), received);
  }

  @Test
  void oversizedLengthIsRefusedBeforeTheBodyArrives() {
    ByteBuf length = Unpooled.buffer();
    FrameCodec.writeHeader(length, WireCodec.MAX_MESSAGE_BYTES + 1);
    EmbeddedChannel in = new EmbeddedChannel(new RpcFrames.FrameReader(received::add));
    Exception e = assertThrows(Exception.class, () -> in.writeInbound(length));
    assertInstanceOf(TooLongFrameException.class, e);
    in.finishAndReleaseAll();
  }

  @Test
  void anEmptyFrameIsCorrupt() {
    EmbeddedChannel in = new EmbeddedChannel(new RpcFrames.FrameReader(received::add));
    Exception e = assertThrows(Exception.class, () -> in.writeInbound(Unpooled.wrappedBuffer(new byte[] {0})));
    assertInstanceOf(CorruptedFrameException.class, e);
    in.finishAndReleaseAll();
  }
}
