package org.quicmesh.wire;

/**
 * One route per request family, chosen by {@link Request#route(RequestRoutes)}. A visitor rather than an enum: a new
 * family must add a method here (every router then fails to compile until it routes it), and a request can only be
 * handed to the route whose parameter type it has, so no family can borrow another's route.
 *
 * @param <R> what a route yields (e.g. the reply of the actor it forwards to)
 */
public interface RequestRoutes<R> {
  /** Routing table and value requests, served by the DHT. */
  R dht(DhtRequest request);

  /** Address discovery, relaying, hole punching and path probes. */
  R nat(NatRequest request);

  /** Bytes an application sends to a peer over a connection. */
  R app(AppRequest request);
}
