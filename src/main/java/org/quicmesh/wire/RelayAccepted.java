package org.quicmesh.wire;

/** The relay opened session {@code sessionId} and waits for the target to join. */
public record RelayAccepted(long sessionId) implements NatResponse {}
