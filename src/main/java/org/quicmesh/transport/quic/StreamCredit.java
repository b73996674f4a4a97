package org.quicmesh.transport.quic;

import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.AttributeKey;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The peer's credit for our request streams on one connection (QUIC's MAX_STREAMS; our peers grant
 * {@code max-bidi-streams}, 256 by default). An open beyond the credit must wait, not be tried: a failed open still
 * uses up a stream id in Netty QUIC, after which every later open on the connection fails with STREAM_LIMIT
 * (measured: 400 requests at once, 256 answered, then none of 20 more). Opens run on the connection's event loop in
 * the order asked; while some wait, the credit is looked at again every few milliseconds (MAX_STREAMS arrives in
 * packets, with no event of its own).
 */
final class StreamCredit {
  private static final AttributeKey<StreamCredit> KEY = AttributeKey.valueOf(StreamCredit.class, "credit");
  private static final long RECHECK_MILLIS = 5;

  private final QuicChannel channel;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private boolean recheckScheduled;

  private StreamCredit(QuicChannel channel) {
    this.channel = channel;
  }

  /** The credit of {@code channel}'s bidirectional streams. */
  static StreamCredit of(QuicChannel channel) {
    StreamCredit fresh = new StreamCredit(channel);
    StreamCredit existing = channel.attr(KEY).setIfAbsent(fresh);
    return existing != null ? existing : fresh;
  }

  /**
   * Runs {@code open} on the event loop once the peer allows one more bidirectional stream (at once if it does), or
   * when the connection is closed (the open then fails by itself).
   *
   * @throws java.util.concurrent.RejectedExecutionException if the event loop is shut down
   */
  void whenAvailable(Runnable open) {
    channel.eventLoop().execute(() -> {
      waiting.add(open);
      drain();
    });
  }

  /** Number of opens waiting for credit (tests). */
  int waiting() {
    return waiting.size();
  }

  private boolean hasCredit() {
    return channel.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0;
  }

  private void drain() {
    while (!waiting.isEmpty() && (!channel.isActive() || hasCredit())) {
      waiting.poll().run();
    }
    if (!waiting.isEmpty() && !recheckScheduled) {
      recheckScheduled = true;
      channel.eventLoop().schedule(() -> {
        recheckScheduled = false;
        drain();
      }, RECHECK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }
}
