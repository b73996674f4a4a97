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
 * one was acknowledged, so the bytes arrive complete and in order or the send fails naming why. A chunk whose answer
 * timed out (its path died while it was in flight, and the connection moved) is sent again with the same sequence
 * number, up to {@link #ATTEMPTS} times; the receiver drops a sequence number it already took. The stages are the
 * transport's own (plain Java futures), chained without touching actor state.
 */
final class Delivery {
  static final int ATTEMPTS = 4;

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
      chain = chain.thenCompose(ok -> sendChunk(transport, to, message, timeout, ATTEMPTS));
    }
    return chain;
  }

  private static CompletionStage<Void> sendChunk(Transport transport, Contact to, AppData message, Duration timeout,
      int attemptsLeft) {
    return transport.request(to, message, timeout).handle((reply, failure) -> {
      if (failure == null) {
        if (!(reply.response() instanceof Ack)) {
          return CompletableFuture.<Void>failedFuture(new TransportException(TransportException.Kind.REJECTED,
              "peer refused the data: " + reply.response()));
        }
        return CompletableFuture.<Void>completedFuture(null);
      }
      Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      if (attemptsLeft > 1 && cause instanceof TransportException te
          && te.kind() == TransportException.Kind.TIMEOUT) {
        return sendChunk(transport, to, message, timeout, attemptsLeft - 1);
      }
      return CompletableFuture.<Void>failedFuture(cause);
    }).thenCompose(stage -> stage);
  }
}
