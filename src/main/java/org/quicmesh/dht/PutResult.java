package org.quicmesh.dht;

import org.quicmesh.identity.Key;

/** A stored value's key and how many of the closest nodes accepted a replica. */
public record PutResult(Key key, int replicas, int attempted) {}
