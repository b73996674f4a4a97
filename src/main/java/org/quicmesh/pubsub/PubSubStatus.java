package org.quicmesh.pubsub;

import java.util.List;
import java.util.Map;

/**
 * Pub/sub telemetry: connected peers, subscribed topics, topic actors alive, each topic's mesh state (as of its last
 * heartbeat), and event counters.
 */
public record PubSubStatus(int peers, List<String> subscribed, int topics, List<TopicStatus> meshes,
    Map<String, Long> counters) {}
