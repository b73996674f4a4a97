package org.quicmesh.node;

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
}
