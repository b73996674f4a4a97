package org.quicmesh.pubsub;

import org.quicmesh.identity.NodeId;

/** The answer to a peer's Graft: it joined our mesh, or it gets a Prune back. */
sealed interface GraftDecision {
  /** The peer is (now) in our mesh; nothing to send. */
  record Accepted(NodeId peer) implements GraftDecision {}

  /** The graft is refused: send {@code prune}. */
  record Refused(MeshAction.SendPrune prune) implements GraftDecision {}
}
