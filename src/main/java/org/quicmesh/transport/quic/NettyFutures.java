package org.quicmesh.transport.quic;

import io.netty.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Bridges Netty futures to CompletableFutures, mapping a failure's cause. */
final class NettyFutures {
  private NettyFutures() {}

  static <T> CompletableFuture<T> toCompletable(Future<T> future, Function<Throwable, Throwable> onFailure) {
    CompletableFuture<T> result = new CompletableFuture<>();
    future.addListener(f -> {
      if (f.isSuccess()) {
        result.complete(future.getNow());
      } else {
        result.completeExceptionally(onFailure.apply(f.cause()));
      }
    });
    return result;
  }
}
