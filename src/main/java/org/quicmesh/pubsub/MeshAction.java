package org.quicmesh.pubsub;

import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Graft;
import org.quicmesh.wire.Prune;

/**
 * A decision of a {@link TopicMesh} that the topic actor carries out: each names the peer and, for control messages,
 * the ready-built wire message, so the actor only sends.
 */
sealed interface MeshAction {
  /** The peer the action is about. */
  NodeId peer();

  /** Send {@code message} to {@code peer}: we added it to our mesh. */
  record SendGraft(NodeId peer, Graft message) implements MeshAction {}

  /** Send {@code message} to {@code peer}: we dropped it from our mesh (or refused its graft) for {@code reason}. */
  record SendPrune(NodeId peer, Prune message, PruneReason reason) implements MeshAction {}

  /** Send {@code peer} an IHave with the message cache's gossip ids for the topic (the cache supplies the ids). */
  record SendGossip(NodeId peer) implements MeshAction {}
}
