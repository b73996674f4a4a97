package org.quicmesh.transport.limits;

/**
 * The limits a transport enforces on what peers may make it hold ({@code quicmesh.transport.limits} in
 * {@code conf/reference.conf}; docs/operations.md "Limits" says what a refused peer sees).
 *
 * @param maxConnections connections peers dialed to us, in all
 * @param maxConnectionsPerIp connections peers dialed to us from one IP address
 * @param connectionAttemptsPerIpPerSecond new connections (handshakes) one IP may start per second
 * @param maxInflightPerPeer request streams one peer (NodeId, over all its connections) may have open at once
 * @param maxInboundBufferBytes bytes of inbound requests being assembled or handled, over all peers
 * @param exemptLoopback the per-IP limits do not apply to loopback addresses (many nodes of one host, benchmarks)
 */
public record TransportLimits(
    int maxConnections,
    int maxConnectionsPerIp,
    int connectionAttemptsPerIpPerSecond,
    int maxInflightPerPeer,
    long maxInboundBufferBytes,
    boolean exemptLoopback) {

  public TransportLimits {
    requirePositive(maxConnections, "maxConnections");
    requirePositive(maxConnectionsPerIp, "maxConnectionsPerIp");
    requirePositive(connectionAttemptsPerIpPerSecond, "connectionAttemptsPerIpPerSecond");
    requirePositive(maxInflightPerPeer, "maxInflightPerPeer");
    requirePositive(maxInboundBufferBytes, "maxInboundBufferBytes");
  }

  /** What {@code conf/reference.conf} sets: generous for honest meshes, loopback exempt from the per-IP limits. */
  public static TransportLimits defaults() {
    return new TransportLimits(4096, 64, 20, 128, 64L * 1024 * 1024, true);
  }

  /** From a {@code quicmesh.transport.limits} section. */
  public static TransportLimits fromConfig(com.typesafe.config.Config limits) {
    return new TransportLimits(
        limits.getInt("max-connections"),
        limits.getInt("max-connections-per-ip"),
        limits.getInt("connection-attempts-per-ip-per-second"),
        limits.getInt("max-inflight-requests-per-peer"),
        limits.getBytes("max-inbound-buffer-bytes"),
        limits.getBoolean("exempt-loopback"));
  }

  public TransportLimits withExemptLoopback(boolean value) {
    return new TransportLimits(maxConnections, maxConnectionsPerIp, connectionAttemptsPerIpPerSecond,
        maxInflightPerPeer, maxInboundBufferBytes, value);
  }

  public TransportLimits withConnections(int total, int perIp, int attemptsPerIpPerSecond) {
    return new TransportLimits(total, perIp, attemptsPerIpPerSecond, maxInflightPerPeer, maxInboundBufferBytes,
        exemptLoopback);
  }

  public TransportLimits withInflight(int perPeer, long inboundBufferBytes) {
    return new TransportLimits(maxConnections, maxConnectionsPerIp, connectionAttemptsPerIpPerSecond, perPeer,
        inboundBufferBytes, exemptLoopback);
  }

  private static void requirePositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
