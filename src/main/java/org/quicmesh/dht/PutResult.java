package org.quicmesh.dht;

import org.quicmesh.identity.Key;

/**
 * A stored value's key and how many of the closest nodes accepted a replica.
 *
 * @param replicas closest nodes that accepted the value; 0 means no peer was reachable and the value lives only on
 *     this node (see {@link #localOnly()}) until a later republish finds peers
 * @param attempted closest nodes asked to store it
 */
public record PutResult(Key key, int replicas, int attempted) {

  /** True when no other node holds the value: it is lost if this node goes away before a republish reaches peers. */
  public boolean localOnly() {
    return replicas == 0;
  }
}
