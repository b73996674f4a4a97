package org.quicmesh.wire;

/** A message that answers a {@link Request}. */
public sealed interface Response extends Message
    permits Ack, Nodes, Value, Rejected,
        YourAddr, RelayAccepted, RelayConnected, RelayForwarded, RelayClosed,
        HolePunchWaiting, HolePunchReady, HolePunchFailed, PathReply {}
