package org.quicmesh.transport.quic;

import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import org.quicmesh.transport.limits.TransportLimits;

/**
 * Settings of a {@link QuicTransport}. Immutable; change one field with the {@code withX} methods.
 *
 * <p>UDP payload sizes: {@link #defaults()} keeps 1350/1452 bytes, safe across real-internet paths. On loopback larger
 * datagrams raise throughput, so {@link #loopback()} lifts both; the receive buffer allocator of the socket is always
 * sized to {@code maxRecvUdpPayloadSize} (Netty's 2 KB datagram default would cut larger packets and stall).
 *
 * @param bindAddress where the one UDP socket binds (port 0 picks a free port)
 * @param idleTimeout a QUIC connection without traffic for this long is closed (and leaves the pool)
 * @param handshakeTimeout a dial that has not completed its handshake after this long fails
 * @param maxStreamsBidirectional concurrent request streams a peer may open to us per connection
 * @param maxStreamsUnidirectional concurrent message streams a peer may open to us per connection
 * @param initialMaxData connection-level flow-control window in bytes
 * @param initialMaxStreamData per-stream flow-control window in bytes
 * @param maxSendUdpPayloadSize largest UDP payload we send
 * @param maxRecvUdpPayloadSize largest UDP payload we accept (advertised to peers)
 * @param socketReceiveBufferBytes the socket's SO_RCVBUF
 * @param nativeSocket run the socket on the native epoll transport where it loads (Linux), else NIO
 * @param gsoSegments with a native socket, hand the kernel up to this many QUIC packets per send (UDP_SEGMENT); 0
 *     sends one packet per system call
 * @param congestionControl quiche's congestion controller: BBR (default: under a saturated stream it kept p99 latency
 *     about half of CUBIC's, docs/benchmarks.md), CUBIC or RENO
 * @param limits what peers may make this transport hold (connections, attempts, in-flight requests, inbound bytes)
 */
public record QuicTransportConfig(
    InetSocketAddress bindAddress,
    Duration idleTimeout,
    Duration handshakeTimeout,
    long maxStreamsBidirectional,
    long maxStreamsUnidirectional,
    long initialMaxData,
    long initialMaxStreamData,
    int maxSendUdpPayloadSize,
    int maxRecvUdpPayloadSize,
    int socketReceiveBufferBytes,
    boolean nativeSocket,
    int gsoSegments,
    QuicCongestionControlAlgorithm congestionControl,
    TransportLimits limits) {

  public QuicTransportConfig {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    requirePositive(idleTimeout.toMillis(), "idleTimeout");
    requirePositive(handshakeTimeout.toMillis(), "handshakeTimeout");
    requirePositive(maxStreamsBidirectional, "maxStreamsBidirectional");
    requirePositive(maxStreamsUnidirectional, "maxStreamsUnidirectional");
    requirePositive(initialMaxData, "initialMaxData");
    requirePositive(initialMaxStreamData, "initialMaxStreamData");
    // RFC 9000 18.2: max_udp_payload_size below 1200 is invalid; 65527 is the UDP maximum.
    if (maxSendUdpPayloadSize < 1200 || maxSendUdpPayloadSize > 65527) {
      throw new IllegalArgumentException("maxSendUdpPayloadSize must be in 1200..65527");
    }
    if (maxRecvUdpPayloadSize < 1200 || maxRecvUdpPayloadSize > 65527) {
      throw new IllegalArgumentException("maxRecvUdpPayloadSize must be in 1200..65527");
    }
    requirePositive(socketReceiveBufferBytes, "socketReceiveBufferBytes");
    // Linux takes at most 64 segments per send (UDP_MAX_SEGMENTS).
    Objects.requireNonNull(congestionControl, "congestionControl");
    Objects.requireNonNull(limits, "limits");
    if (gsoSegments < 0 || gsoSegments > 64) {
      throw new IllegalArgumentException("gsoSegments must be in 0..64");
    }
  }

  /** Internet-safe defaults: wildcard address, ephemeral port, 1350/1452-byte datagrams. */
  public static QuicTransportConfig defaults() {
    return new QuicTransportConfig(
        new InetSocketAddress(0),
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        256,
        64,
        16L * 1024 * 1024,
        2L * 1024 * 1024,
        1350,
        1452,
        4 * 1024 * 1024,
        true,
        0,
        QuicCongestionControlAlgorithm.BBR,
        TransportLimits.defaults());
  }

  /** For tests and same-host meshes: 127.0.0.1, ephemeral port, 32 KiB datagrams. */
  public static QuicTransportConfig loopback() {
    return defaults()
        .withBindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .withUdpPayloadSizes(32 * 1024, 32 * 1024);
  }

  /**
   * From the {@code quicmesh.transport} section of the HOCON config ({@code conf/reference.conf} documents the keys).
   * {@code max-udp-payload = auto} means 32 KiB on a loopback bind address and the internet-safe sizes elsewhere.
   */
  public static QuicTransportConfig fromConfig(com.typesafe.config.Config transport, InetSocketAddress bind) {
    QuicTransportConfig base = bind.getAddress() != null && bind.getAddress().isLoopbackAddress()
        ? loopback() : defaults();
    String payload = transport.getString("max-udp-payload");
    if (!payload.equals("auto")) {
      int size = transport.getInt("max-udp-payload");
      base = base.withUdpPayloadSizes(size, size);
    }
    return base
        .withBindAddress(bind)
        .withIdleTimeout(transport.getDuration("idle-timeout"))
        .withHandshakeTimeout(transport.getDuration("handshake-timeout"))
        .withMaxStreams(transport.getLong("max-bidi-streams"), transport.getLong("max-uni-streams"))
        .withFlowControlWindows(transport.getBytes("initial-max-data"), transport.getBytes("initial-max-stream-data"))
        .withNativeSocket(transport.getBoolean("native-socket"))
        .withGsoSegments(transport.getInt("gso-segments"))
        .withCongestionControl(QuicCongestionControlAlgorithm.valueOf(
            transport.getString("congestion-control").toUpperCase(java.util.Locale.ROOT)))
        .withLimits(TransportLimits.fromConfig(transport.getConfig("limits")));
  }

  public QuicTransportConfig withBindAddress(InetSocketAddress value) {
    return with(f -> f.bindAddress = value);
  }

  public QuicTransportConfig withIdleTimeout(Duration value) {
    return with(f -> f.idleTimeout = value);
  }

  public QuicTransportConfig withHandshakeTimeout(Duration value) {
    return with(f -> f.handshakeTimeout = value);
  }

  public QuicTransportConfig withMaxStreams(long bidirectional, long unidirectional) {
    return with(f -> {
      f.maxStreamsBidirectional = bidirectional;
      f.maxStreamsUnidirectional = unidirectional;
    });
  }

  public QuicTransportConfig withFlowControlWindows(long connection, long stream) {
    return with(f -> {
      f.initialMaxData = connection;
      f.initialMaxStreamData = stream;
    });
  }

  public QuicTransportConfig withUdpPayloadSizes(int send, int recv) {
    return with(f -> {
      f.maxSendUdpPayloadSize = send;
      f.maxRecvUdpPayloadSize = recv;
    });
  }

  public QuicTransportConfig withSocketReceiveBufferBytes(int value) {
    return with(f -> f.socketReceiveBufferBytes = value);
  }

  public QuicTransportConfig withNativeSocket(boolean value) {
    return with(f -> f.nativeSocket = value);
  }

  public QuicTransportConfig withGsoSegments(int value) {
    return with(f -> f.gsoSegments = value);
  }

  public QuicTransportConfig withCongestionControl(QuicCongestionControlAlgorithm value) {
    return with(f -> f.congestionControl = value);
  }

  public QuicTransportConfig withLimits(TransportLimits value) {
    return with(f -> f.limits = value);
  }

  /** A copy with {@code change} applied to its fields (checked again by the constructor). */
  private QuicTransportConfig with(java.util.function.Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new QuicTransportConfig(f.bindAddress, f.idleTimeout, f.handshakeTimeout, f.maxStreamsBidirectional,
        f.maxStreamsUnidirectional, f.initialMaxData, f.initialMaxStreamData, f.maxSendUdpPayloadSize,
        f.maxRecvUdpPayloadSize, f.socketReceiveBufferBytes, f.nativeSocket, f.gsoSegments, f.congestionControl,
        f.limits);
  }

  /** The fields of a config being copied: one place names them all, so a new field is one more line here. */
  private static final class Fields {
    InetSocketAddress bindAddress;
    Duration idleTimeout;
    Duration handshakeTimeout;
    long maxStreamsBidirectional;
    long maxStreamsUnidirectional;
    long initialMaxData;
    long initialMaxStreamData;
    int maxSendUdpPayloadSize;
    int maxRecvUdpPayloadSize;
    int socketReceiveBufferBytes;
    boolean nativeSocket;
    int gsoSegments;
    QuicCongestionControlAlgorithm congestionControl;
    TransportLimits limits;

    Fields(QuicTransportConfig c) {
      bindAddress = c.bindAddress;
      idleTimeout = c.idleTimeout;
      handshakeTimeout = c.handshakeTimeout;
      maxStreamsBidirectional = c.maxStreamsBidirectional;
      maxStreamsUnidirectional = c.maxStreamsUnidirectional;
      initialMaxData = c.initialMaxData;
      initialMaxStreamData = c.initialMaxStreamData;
      maxSendUdpPayloadSize = c.maxSendUdpPayloadSize;
      maxRecvUdpPayloadSize = c.maxRecvUdpPayloadSize;
      socketReceiveBufferBytes = c.socketReceiveBufferBytes;
      nativeSocket = c.nativeSocket;
      gsoSegments = c.gsoSegments;
      congestionControl = c.congestionControl;
      limits = c.limits;
    }
  }

  private static void requirePositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
