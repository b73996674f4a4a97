package org.quicmesh.wire;

/** Requests that carry an application's own bytes between two nodes (see {@link AppData}). */
public sealed interface AppRequest extends Request permits AppData {
  @Override
  default <R> R route(RequestRoutes<R> routes) {
    return routes.app(this);
  }
}
