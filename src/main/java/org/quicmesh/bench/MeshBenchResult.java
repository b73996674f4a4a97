package org.quicmesh.bench;

/**
 * What {@code quicmesh bench mesh} prints: the js-libp2p harness's fields (../shared/bench/libp2p-peer/bench.mjs),
 * under the same names once written in snake_case, plus a few of our own ({@code threads}, {@code links}). A figure
 * that could not be measured is null, never NaN (JSON has no NaN).
 *
 * @param setupS from the first node's start to the end of the settle wait
 * @param warmup the JIT warm-up before the measured phases (null when there was none: a cold JVM, or the simulator)
 * @param rssMbPerNode process RSS after a full GC (after settling) divided by the nodes, JVM baseline included
 * @param heapMbPerNode used heap after that GC divided by the nodes
 * @param idleCpuPctOfCore process CPU over 3 s of the settled, idle mesh, as a share of one core
 * @param cpuMsPerDelivery process CPU over the gossip phase divided by the first deliveries
 * @param cpuMsPerDeliveryWithoutJitGc the same, counting only the Java threads (event loops, dispatchers): without
 *     the JIT compiler and GC threads, which a short run in a fresh JVM keeps busy
 * @param threads live JVM threads at the end of the gossip phase (flat in N when nodes share loops and dispatchers)
 */
public record MeshBenchResult(String impl, String transport, String links, int nodes, long seed, Double setupS,
    Settle settle, GossipWarmUp.Summary warmup, Lookup lookup, Gossip gossip, Double rssMbPerNode, Double heapMbPerNode,
    Double rssMbPerNodeMinusBaseline, Double rssMbBaseline, Double rssMbTotal, Double heapMbTotal,
    Double idleCpuPctOfCore, Double cpuMsPerDelivery, Double cpuMsPerDeliveryWithoutJitGc, Double gossipCpuS, int threads, int threadsPeak,
    Double totalS, Double processCpuS, String profile, String error) {

  /**
   * The settle wait: until every node has joined (its DHT bootstrap finished: the harness waits for its dials) and
   * every routing table holds min(20, N-1) contacts; or, once all joined, no table grew for 8 s; or 30 s passed.
   */
  public record Settle(int targetRtSize, boolean settled, String stopReason, Double waitS, int rtMin, Double rtMean,
      int rtMax) {}

  /** Sequential lookups of random targets from random nodes; success is at least one contact returned. */
  public record Lookup(int count, int requested, int concurrency, Double successRate, Double accuracyMean,
      Double exactTop20Rate, Double returnedMean, int errors, Double p50Ms, Double p95Ms, Double maxMs,
      Double phaseS) {}

  /**
   * The publish phase: first (message, receiver) deliveries, their latency, the routers' duplicates, and the gossip
   * messages the routers sent over it (data: publishes and forwards; control: subscriptions, grafts, prunes, IHave,
   * IWant, chokes), summed over the nodes; the UDP datagrams the host sent meanwhile (Linux's {@code OutDatagrams}: all
   * of QUIC, ACKs included; null elsewhere and in the simulator).
   */
  public record Gossip(int published, int publishErrors, long expectedDeliveries, long delivered,
      Double deliveryRatio, Double p50Ms, Double p95Ms, Double p99Ms, Double maxMs, long duplicates,
      Double duplicatesPerDelivery, long dataMessagesSent, long controlMessagesSent, Long datagramsSent,
      Double datagramsPerDelivery, int msgSize, double ratePerS, Mesh mesh, Double phaseS) {}

  /** Mesh peers per node on the topic when publishing starts (as of each topic's last heartbeat). */
  public record Mesh(Double waitS, int min, Double mean, int max) {}

  /** {@code value} rounded to {@code digits} decimals, or null when it is not a number. */
  static Double round(double value, int digits) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return null;
    }
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }
}
