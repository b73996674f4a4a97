package org.quicmesh.dht;

import java.util.List;
import java.util.Map;

/**
 * What the DHT reports for status and telemetry: routing-table size, the adaptive k and α with their driving signals,
 * the latency tier centres, the value store's size, bootstrap state and event counters.
 */
public record DhtStatus(
    int tableSize,
    int k,
    int alpha,
    double churnPerMinute,
    double lookupFailureSignal,
    List<Double> tierCentersMs,
    int storedValues,
    long storedBytes,
    String bootstrap,
    Map<String, Long> counters) {}
