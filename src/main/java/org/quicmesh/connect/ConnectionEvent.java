package org.quicmesh.connect;

import org.quicmesh.identity.NodeId;

/** What a watcher of the {@link ConnectionManager} is told. */
public sealed interface ConnectionEvent {

  /** A connection came up or moved to another path. */
  record PathChanged(ConnectionInfo connection) implements ConnectionEvent {}

  /** A peer sent us bytes ({@code seq} counts its chunks to us). */
  record DataReceived(NodeId from, long seq, byte[] data) implements ConnectionEvent {}
}
