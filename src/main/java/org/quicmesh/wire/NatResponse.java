package org.quicmesh.wire;

/** The answers to {@link NatRequest}s (besides the shared {@link Ack} and {@link Rejected}). */
public sealed interface NatResponse extends Response
    permits YourAddr, DialBackSent, RelayReserved, RelayConnected, RelayForwarded, RelayClosed, HolePunchWaiting,
        HolePunchReady,
        HolePunchFailed, PathReply {}
