package org.quicmesh.wire;

/** Relay session {@code sessionId} is closed. */
public record RelayClosed(long sessionId) implements NatResponse {}
