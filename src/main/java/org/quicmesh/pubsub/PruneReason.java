package org.quicmesh.pubsub;

/** Why the local node prunes a peer from a topic mesh (telemetry and logs; not sent on the wire). */
enum PruneReason {
  /** We left the topic. */
  LEAVE,
  /** The heartbeat trimmed a mesh above D_high back to D. */
  OVERSUBSCRIBED,
  /** The peer grafted a topic we are not subscribed to. */
  NOT_SUBSCRIBED,
  /** The peer grafted while its backoff towards us was still running (the backoff is refreshed). */
  GRAFT_IN_BACKOFF,
  /** The peer's outbound queue is full: it cannot keep up with the mesh's traffic. */
  SLOW_PEER
}
