package org.quicmesh.wire;

/** Both ends of relay session {@code sessionId} are connected. */
public record RelayConnected(long sessionId) implements NatResponse {}
