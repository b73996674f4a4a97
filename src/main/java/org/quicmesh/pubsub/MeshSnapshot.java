package org.quicmesh.pubsub;

import java.util.List;
import org.quicmesh.identity.NodeId;

/**
 * A telemetry view of one topic's mesh state.
 *
 * @param topic the topic
 * @param subscribed whether the local node is subscribed
 * @param ready whether the mesh has reached D_low
 * @param knownPeers peers known to be subscribed to the topic
 * @param mesh current mesh peers
 * @param fanout current fanout peers (empty when subscribed or no fanout)
 * @param fanoutLastPublishMillis time of the last publish through the fanout, or -1 when there is no fanout
 * @param peersInBackoff peers with a running backoff
 * @param graftsSent grafts we decided to send
 * @param prunesSent prunes we decided to send (all reasons)
 * @param graftsAccepted peers' grafts we accepted
 * @param graftsRefused peers' grafts we refused
 * @param prunesReceived prunes peers sent us
 * @param slowPeersPruned mesh peers pruned because their outbound queue was full
 * @param opportunisticGrafts peers grafted because they were faster than the mesh's median round-trip time
 */
record MeshSnapshot(
    String topic,
    boolean subscribed,
    boolean ready,
    int knownPeers,
    List<NodeId> mesh,
    List<NodeId> fanout,
    long fanoutLastPublishMillis,
    int peersInBackoff,
    long graftsSent,
    long prunesSent,
    long graftsAccepted,
    long graftsRefused,
    long prunesReceived,
    long slowPeersPruned,
    long opportunisticGrafts) {

  public MeshSnapshot {
    mesh = List.copyOf(mesh);
    fanout = List.copyOf(fanout);
  }
}
