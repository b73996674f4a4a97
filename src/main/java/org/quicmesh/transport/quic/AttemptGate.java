package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import java.net.InetSocketAddress;
import java.util.function.Predicate;

/**
 * The server codec's token handler, used as the gate for new connections. The codec asks {@link #writeToken} once per
 * new connection attempt (an Initial without token for an unknown connection id), before quiche creates any state.
 * An admitted attempt gets no Retry: address validation by Retry would cost every new peer a round trip, and in a
 * mesh where most connections are short DHT exchanges that is the wrong trade. A refused one is answered with a Retry
 * (a few dozen bytes, less than the client's padded Initial) whose token we never accept: the client's next Initial
 * is dropped, no handshake is spent on it, and the client's dial times out.
 */
final class AttemptGate implements QuicTokenHandler {
  /** The token of a refusal; any token at all is refused. */
  private static final byte REFUSED = 'L';

  private final Predicate<InetSocketAddress> admit;

  /** @param admit whether an attempt from this source may go ahead (it counts its own refusals) */
  AttemptGate(Predicate<InetSocketAddress> admit) {
    this.admit = admit;
  }

  @Override
  public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
    if (admit.test(address)) {
      return false;
    }
    out.writeByte(REFUSED);
    return true;
  }

  @Override
  public int validateToken(ByteBuf token, InetSocketAddress address) {
    return -1;
  }

  @Override
  public int maxTokenLength() {
    return 1;
  }
}
