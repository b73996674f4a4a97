package org.quicmesh.wire;

/** The Kademlia RPCs: liveness, node and value lookups, storing a value. */
public sealed interface DhtRequest extends Request permits Ping, FindNode, FindValue, Store {
  @Override
  default <R> R route(RequestRoutes<R> routes) {
    return routes.dht(this);
  }
}
