package org.quicmesh.wire;

/** The relay opened a session to the target; {@code sessionId} is our end of it (see transport.RelayFrame). */
public record RelayConnected(long sessionId) implements NatResponse {}
