package org.quicmesh.transport.limits;

/**
 * The limits a transport enforces on what peers may make it hold ({@code quicmesh.transport.limits} in
 * {@code conf/reference.conf}; docs/operations.md "Limits" says what a refused peer sees).
 *
 * @param maxConnections connections peers dialed to us, in all
 * @param maxConnectionsPerIp connections peers dialed to us from one IP address
 * @param connectionAttemptsPerIpPerSecond new connections (handshakes) one IP may start per second
 * @param maxInflightPerPeer requests one peer (NodeId, over all its connections) may have in flight at once
 * @param requestsPerPeerPerSecond requests one peer may start per second (its share of the node's work: a peer whose
 *     requests are answered fast stays under the in-flight limit however many it sends)
 * @param maxInboundBufferBytes bytes of inbound requests being assembled or handled, over all peers
 * @param exemptLoopback the per-IP limits do not apply to loopback addresses (many nodes of one host, benchmarks)
 */
public record TransportLimits(
    int maxConnections,
    int maxConnectionsPerIp,
    int connectionAttemptsPerIpPerSecond,
    int maxInflightPerPeer,
    int requestsPerPeerPerSecond,
    long maxInboundBufferBytes,
    boolean exemptLoopback) {

  public TransportLimits {
    requirePositive(maxConnections, "maxConnections");
    requirePositive(maxConnectionsPerIp, "maxConnectionsPerIp");
    requirePositive(connectionAttemptsPerIpPerSecond, "connectionAttemptsPerIpPerSecond");
    requirePositive(maxInflightPerPeer, "maxInflightPerPeer");
    requirePositive(requestsPerPeerPerSecond, "requestsPerPeerPerSecond");
    requirePositive(maxInboundBufferBytes, "maxInboundBufferBytes");
  }

  /** What {@code conf/reference.conf} sets: generous for honest meshes, loopback exempt from the per-IP limits. */
  public static TransportLimits defaults() {
    return new TransportLimits(4096, 64, 20, 128, 200, 64L * 1024 * 1024, true);
  }

  /** From a {@code quicmesh.transport.limits} section. */
  public static TransportLimits fromConfig(com.typesafe.config.Config limits) {
    return new TransportLimits(
        limits.getInt("max-connections"),
        limits.getInt("max-connections-per-ip"),
        limits.getInt("connection-attempts-per-ip-per-second"),
        limits.getInt("max-inflight-requests-per-peer"),
        limits.getInt("requests-per-peer-per-second"),
        limits.getBytes("max-inbound-buffer-bytes"),
        limits.getBoolean("exempt-loopback"));
  }

  public TransportLimits withExemptLoopback(boolean value) {
    return new TransportLimits(maxConnections, maxConnectionsPerIp, connectionAttemptsPerIpPerSecond,
        maxInflightPerPeer, requestsPerPeerPerSecond, maxInboundBufferBytes, value);
  }

  public TransportLimits withConnections(int total, int perIp, int attemptsPerIpPerSecond) {
    return new TransportLimits(total, perIp, attemptsPerIpPerSecond, maxInflightPerPeer, requestsPerPeerPerSecond,
        maxInboundBufferBytes, exemptLoopback);
  }

  public TransportLimits withInflight(int perPeer, long inboundBufferBytes) {
    return new TransportLimits(maxConnections, maxConnectionsPerIp, connectionAttemptsPerIpPerSecond, perPeer,
        requestsPerPeerPerSecond, inboundBufferBytes, exemptLoopback);
  }

  public TransportLimits withRequestsPerPeerPerSecond(int value) {
    return new TransportLimits(maxConnections, maxConnectionsPerIp, connectionAttemptsPerIpPerSecond,
        maxInflightPerPeer, value, maxInboundBufferBytes, exemptLoopback);
  }

  private static void requirePositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
