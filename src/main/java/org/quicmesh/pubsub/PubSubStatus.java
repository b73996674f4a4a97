package org.quicmesh.pubsub;

import java.util.List;
import java.util.Map;

/** Pub/sub telemetry: connected peers, subscribed topics, topic actors alive, and event counters. */
public record PubSubStatus(int peers, List<String> subscribed, int topics, Map<String, Long> counters) {}
