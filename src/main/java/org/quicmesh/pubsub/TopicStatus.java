package org.quicmesh.pubsub;

/**
 * One topic in pub/sub telemetry, as its actor reported it at its last heartbeat.
 *
 * @param topic the topic
 * @param subscribed whether the local node is subscribed (else it only publishes through a fanout)
 * @param ready whether the mesh has reached D_low (or every known peer, in a smaller group)
 * @param knownPeers peers known to be subscribed
 * @param mesh mesh peers
 * @param fanout fanout peers
 * @param choked mesh peers we choked (they announce instead of pushing)
 * @param chokingUs mesh peers that choked us (we announce to them)
 * @param meshRttMedianMs median measured round-trip time to the mesh peers, or -1 while none is measured
 */
public record TopicStatus(String topic, boolean subscribed, boolean ready, int knownPeers, int mesh, int fanout,
    int choked, int chokingUs, double meshRttMedianMs) {}
