package org.quicmesh.dht;

import java.util.OptionalDouble;
import org.quicmesh.wire.Contact;

/**
 * What the routing table knows of one verified contact, as kept across restarts (the state dir's contact cache).
 *
 * @param contact the contact at its latest verified address
 * @param lastSeenMillis when it last answered us (the node's clock)
 * @param rttMs median of its recent round-trip samples, or empty when none is measured
 */
public record KnownContact(Contact contact, long lastSeenMillis, OptionalDouble rttMs) {}
