package org.quicmesh.transport.limits;

import java.net.InetAddress;
import java.time.Clock;
import org.quicmesh.identity.NodeId;

/**
 * The limits of one transport, applied: whether a new connection attempt, connection or request may go ahead. Each
 * admitted connection and request must be released when it ends; refusals are the caller's to count and explain.
 * Thread-safe.
 */
public final class Admission {
  /** Sources tracked per second by the attempt rate; beyond this a new source is refused until the next second. */
  private static final int MAX_TRACKED_SOURCES = 65_536;

  private final TransportLimits limits;
  private final AttemptRate<InetAddress> attempts;
  private final Permits<InetAddress> connections;
  private final Permits<NodeId> requests;
  private final AttemptRate<NodeId> requestRate;
  private final ByteBudget inboundBytes;

  public Admission(TransportLimits limits, Clock clock) {
    this.limits = limits;
    this.attempts = new AttemptRate<>(limits.connectionAttemptsPerIpPerSecond(), MAX_TRACKED_SOURCES, clock);
    this.connections = new Permits<>(limits.maxConnectionsPerIp(), limits.maxConnections());
    // Requests in all are bounded by their bytes (the inbound budget), not by a count.
    this.requests = new Permits<>(limits.maxInflightPerPeer(), Integer.MAX_VALUE);
    this.requestRate = new AttemptRate<>(limits.requestsPerPeerPerSecond(), MAX_TRACKED_SOURCES, clock);
    this.inboundBytes = new ByteBudget(limits.maxInboundBufferBytes());
  }

  public TransportLimits limits() {
    return limits;
  }

  /** One new connection attempt (handshake) from {@code source}: true if within its rate. */
  public boolean admitAttempt(InetAddress source) {
    return exempt(source) || attempts.tryAttempt(source);
  }

  /** A connection a peer at {@code source} completed to us; if granted, {@link #releaseConnection} when it closes. */
  public Permits.Verdict admitConnection(InetAddress source) {
    return connections.tryAcquire(source, !exempt(source));
  }

  public void releaseConnection(InetAddress source) {
    connections.release(source);
  }

  /**
   * Counts one request {@code peer} started over a connection from {@code source}: true if within the peer's rate
   * (peers on loopback are exempt with the per-IP limits).
   */
  public boolean admitRequestRate(NodeId peer, InetAddress source) {
    return exempt(source) || requestRate.tryAttempt(peer);
  }

  /** A request stream {@code peer} opened; if granted, {@link #releaseRequest} when the stream closes. */
  public Permits.Verdict admitRequest(NodeId peer) {
    return requests.tryAcquire(peer);
  }

  public void releaseRequest(NodeId peer) {
    requests.release(peer);
  }

  /** Bytes of inbound requests being assembled or handled, over all peers. */
  public ByteBudget inboundBytes() {
    return inboundBytes;
  }

  public int connections() {
    return connections.inUse();
  }

  public int inflightRequests() {
    return requests.inUse();
  }

  private boolean exempt(InetAddress source) {
    return limits.exemptLoopback() && source.isLoopbackAddress();
  }
}
