package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicmesh.transport.limits.TransportLimits;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Response;

/**
 * More requests in flight to one peer than QUIC lets us open streams for (the peer's {@code max-bidi-streams}): the
 * ones beyond the peer's stream credit wait for it instead of failing, and the connection keeps serving afterwards.
 */
@Tag("integration")
class StreamCreditTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @Test
  void requestsBeyondThePeersStreamCreditWaitForItAndTheConnectionKeepsServing() throws Exception {
    // The server's own limits allow them all; only QUIC's stream credit (256) stands in the way.
    QuicTransportConfig config = QuicTransportConfig.loopback()
        .withLimits(TransportLimits.defaults().withInflight(10_000, 64L * 1024 * 1024));
    try (TestNode server = new TestNode(config); TestNode client = new TestNode(config)) {
      Executor later = CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS);
      server.answer = request -> CompletableFuture.supplyAsync(() -> (Response) new Ack(), later);
      List<CompletableFuture<?>> burst = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        burst.add(client.transport.request(server.contact(), client.ping(), TIMEOUT).toCompletableFuture());
      }
      int answered = 0;
      for (CompletableFuture<?> request : burst) {
        request.get(30, TimeUnit.SECONDS);
        answered++;
      }
      assertEquals(400, answered);
      server.answer = request -> CompletableFuture.completedFuture(new Ack());
      for (int i = 0; i < 20; i++) {
        assertInstanceOf(Ack.class, TestNode.await(client.transport.request(server.contact(), client.ping(), TIMEOUT))
            .response());
      }
    }
  }
}
