package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AttemptGateTest {
  private static final InetSocketAddress SOURCE = new InetSocketAddress("192.0.2.7", 4000);

  @Test
  void anAdmittedAttemptGetsNoRetry() {
    AttemptGate gate = new AttemptGate(source -> true);
    ByteBuf token = Unpooled.buffer(gate.maxTokenLength());
    try {
      assertFalse(gate.writeToken(token, Unpooled.EMPTY_BUFFER, SOURCE));
      assertEquals(0, token.readableBytes());
    } finally {
      token.release();
    }
  }

  @Test
  void aRefusedAttemptGetsARetryWhoseTokenIsNeverAccepted() {
    AttemptGate gate = new AttemptGate(source -> false);
    ByteBuf token = Unpooled.buffer(gate.maxTokenLength());
    try {
      assertTrue(gate.writeToken(token, Unpooled.EMPTY_BUFFER, SOURCE));
      assertTrue(token.readableBytes() > 0 && token.readableBytes() <= gate.maxTokenLength());
      assertEquals(-1, gate.validateToken(token, SOURCE));
    } finally {
      token.release();
    }
  }
}
