package org.quicmesh.node;

import org.apache.pekko.actor.typed.ActorSystem;
import org.quicmesh.identity.Keypair;
import org.quicmesh.transport.Transport;

/** Creates the transport a node runs on: real QUIC, or a port of the simulated network. */
@FunctionalInterface
public interface TransportFactory {
  Transport create(ActorSystem<?> system, Keypair keypair, MeshConfig config);
}
