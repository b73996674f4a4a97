package org.quicmesh.wire;

/** The relay passed on a {@link RelayForward} payload. */
public record RelayForwarded(long sessionId) implements NatResponse {}
