package org.quicmesh.wire;

/** A message that opens an RPC; it names its sender, which the transport checks against the verified peer. */
public sealed interface Request extends Message
    permits Ping, FindNode, FindValue, Store,
        WhatIsMyAddr, RelayConnect, RelayForward, RelayClose, HolePunchRegister, HolePunchStart, PathProbe, ReachMe {
  Contact from();
}
