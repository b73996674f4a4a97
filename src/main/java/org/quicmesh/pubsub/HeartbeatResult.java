package org.quicmesh.pubsub;

import java.util.ArrayList;
import java.util.List;
import org.quicmesh.identity.NodeId;

/**
 * What one heartbeat of a {@link TopicMesh} decided.
 *
 * @param grafts peers added to the mesh (send each its Graft)
 * @param prunes peers removed from an oversubscribed mesh (send each its Prune, with peer exchange)
 * @param gossip peers outside the mesh (or fanout) that get an IHave of the recent message ids
 * @param fanoutAdded peers added to the fanout to refill it to D
 * @param fanoutExpired the fanout was dropped: no publish for the fanout TTL
 */
record HeartbeatResult(
    List<MeshAction.SendGraft> grafts,
    List<MeshAction.SendPrune> prunes,
    List<MeshAction.SendGossip> gossip,
    List<NodeId> fanoutAdded,
    boolean fanoutExpired) {

  public HeartbeatResult {
    grafts = List.copyOf(grafts);
    prunes = List.copyOf(prunes);
    gossip = List.copyOf(gossip);
    fanoutAdded = List.copyOf(fanoutAdded);
  }

  /** Every message to send, grafts first, then prunes, then gossip. */
  public List<MeshAction> actions() {
    List<MeshAction> all = new ArrayList<>(grafts.size() + prunes.size() + gossip.size());
    all.addAll(grafts);
    all.addAll(prunes);
    all.addAll(gossip);
    return all;
  }

  /** The peers to gossip to. */
  public List<NodeId> gossipTargets() {
    return gossip.stream().map(MeshAction.SendGossip::peer).toList();
  }
}
