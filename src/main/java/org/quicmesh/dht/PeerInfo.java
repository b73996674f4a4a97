package org.quicmesh.dht;

import java.util.OptionalDouble;
import org.quicmesh.wire.Contact;

/** A routing-table contact as `peers` shows it: its latency tier (0 = fastest) and median RTT if measured. */
public record PeerInfo(Contact contact, int tier, OptionalDouble rttMs) {}
