package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.transport.Reply;
import org.quicmesh.wire.Ack;

/** Regression test for the Ed25519 mutual-TLS recipe on Netty QUIC / BoringSSL (DESIGN section 4). */
@Tag("integration")
@Timeout(30)
class QuicHandshakeTest {

  @Test
  void ed25519MutualTlsHandshakeVerifiesBothNodeIds() {
    try (TestNode server = new TestNode(); TestNode client = new TestNode()) {
      Reply reply = TestNode.await(client.transport.request(server.address(), client.ping(), Duration.ofSeconds(5)));

      assertEquals(server.id(), reply.peer(), "client derived the server's id from its certificate");
      assertInstanceOf(Ack.class, reply.response());
      assertEquals(1, server.seen.size());
      assertEquals(client.id(), server.seen.get(0).peer(), "server derived the client's id from its certificate");
    }
  }
}
