package org.quicmesh.wire;

/**
 * A message that opens an RPC; it names its sender, which the transport checks against the verified peer. Every
 * request belongs to exactly one family ({@link DhtRequest}, {@link NatRequest}, {@link AppRequest}); a node routes on the family with
 * {@link #route(RequestRoutes)}.
 */
public sealed interface Request extends Message permits DhtRequest, NatRequest, AppRequest {
  Contact from();

  /** Hands this request to the route of its family; each family interface implements this once. */
  <R> R route(RequestRoutes<R> routes);
}
