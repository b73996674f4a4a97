package org.quicmesh.node;

import io.netty.channel.EventLoopGroup;
import org.quicmesh.transport.quic.QuicTransport;
import org.quicmesh.transport.quic.QuicTransportConfig;

/** Ready-made transport factories. */
public final class Transports {
  private Transports() {}

  /** Real QUIC on one UDP socket at the config's listen address, tuned by {@code quicmesh.transport}. */
  public static TransportFactory quic() {
    return (system, keypair, config) ->
        new QuicTransport(keypair, QuicTransportConfig.fromConfig(config.transport(), config.listen()));
  }

  /**
   * Real QUIC like {@link #quic()}, but every node's socket runs on the caller's {@code loops}: many nodes in one
   * process then share a few threads. The caller shuts {@code loops} down after the nodes.
   */
  public static TransportFactory quic(EventLoopGroup loops) {
    return (system, keypair, config) ->
        new QuicTransport(keypair, QuicTransportConfig.fromConfig(config.transport(), config.listen()), loops);
  }
}
