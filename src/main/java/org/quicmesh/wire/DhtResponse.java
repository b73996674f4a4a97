package org.quicmesh.wire;

/** What the DHT answers besides {@link Ack} and {@link Rejected}: contacts closer to a target, or the value. */
public sealed interface DhtResponse extends Response permits Nodes, Value {}
