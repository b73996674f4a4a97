package org.quicmesh.connect;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.quicmesh.transport.Transport;
import org.quicmesh.transport.TransportException;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.AppData;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Limits;

/**
 * Application bytes to one peer: cut into {@link AppData} chunks sent one after another, each only once the previous
 * one was acknowledged, so the bytes arrive complete and in order or the send fails naming why. The stages are the
 * transport's own (plain Java futures), chained without touching actor state.
 */
final class Delivery {
  private Delivery() {}

  /** Sends {@code data} as chunks numbered from {@code firstSeq}; completes when the last one is acknowledged. */
  static CompletionStage<Void> send(Transport transport, Contact to, Contact self, long firstSeq, byte[] data,
      Duration timeout) {
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    int chunks = Math.max(1, (data.length + Limits.MAX_APP_DATA_BYTES - 1) / Limits.MAX_APP_DATA_BYTES);
    for (int i = 0; i < chunks; i++) {
      byte[] chunk = Arrays.copyOfRange(data, i * Limits.MAX_APP_DATA_BYTES,
          Math.min(data.length, (i + 1) * Limits.MAX_APP_DATA_BYTES));
      AppData message = new AppData(self, firstSeq + i, chunk);
      chain = chain.thenCompose(ok -> transport.request(to, message, timeout)).thenAccept(reply -> {
        if (!(reply.response() instanceof Ack)) {
          throw new TransportException(TransportException.Kind.REJECTED, "peer refused the data: " + reply.response());
        }
      });
    }
    return chain;
  }
}
