package org.quicmesh.wire;

/** NAT traversal and path RPCs: address discovery, dial-backs, relay sessions, hole punching, path probes, reach-me hints. */
public sealed interface NatRequest extends Request
    permits WhatIsMyAddr, DialBack, DialBackRelay, RelayReserve, RelayConnect, RelayIncoming, RelayForward, RelayClose,
        HolePunchRegister, HolePunchStart, PathProbe,
        ReachMe {
  @Override
  default <R> R route(RequestRoutes<R> routes) {
    return routes.nat(this);
  }
}
