package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import java.net.InetSocketAddress;

/**
 * Never sends a Retry: address validation by Retry costs every new peer a round trip, and in a mesh where most
 * connections are short DHT exchanges that is the wrong trade. Tokens we never issued are refused.
 */
final class NoRetryTokenHandler implements QuicTokenHandler {
  static final NoRetryTokenHandler INSTANCE = new NoRetryTokenHandler();

  private NoRetryTokenHandler() {}

  @Override
  public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
    return false;
  }

  @Override
  public int validateToken(ByteBuf token, InetSocketAddress address) {
    return -1;
  }

  @Override
  public int maxTokenLength() {
    return 0;
  }
}
