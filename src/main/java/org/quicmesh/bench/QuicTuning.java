package org.quicmesh.bench;

import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;

/**
 * The Netty QUIC levers that matter for throughput, as measured by {@link TransportBench}.
 *
 * @param maxUdpPayload max send and receive UDP payload; the datagram channel's receive buffer is sized to match
 * @param initialMaxData connection flow-control window
 * @param initialMaxStreamData per-stream flow-control window (bidirectional local and remote, and unidirectional)
 * @param congestionControl quiche congestion controller
 * @param epoll native epoll datagram channel instead of NIO
 * @param gso segmented (GSO) sends; requires epoll
 * @param gro UDP GRO on receive; requires epoll
 * @param socketBufferBytes SO_SNDBUF / SO_RCVBUF of the UDP socket (capped by net.core.[rw]mem_max)
 */
public record QuicTuning(
    int maxUdpPayload,
    long initialMaxData,
    long initialMaxStreamData,
    QuicCongestionControlAlgorithm congestionControl,
    boolean epoll,
    boolean gso,
    boolean gro,
    int socketBufferBytes) {

  /** Netty-like defaults with sane windows: 1350-byte datagrams, NIO, CUBIC. */
  public static QuicTuning baseline() {
    return new QuicTuning(1350, 16L << 20, 8L << 20, QuicCongestionControlAlgorithm.CUBIC, false, false, false,
        0);
  }

  /**
   * Best configuration measured on loopback (TransportBench, 2 shared cores): 32 KB datagrams are the lever that
   * matters (1350 B: 0.06-0.17 Gbit/s, 32 KB: 2.0-2.4 Gbit/s); windows, epoll, GSO/GRO and the congestion controller
   * were within noise for throughput; BBR halved send-to-receive latency under load in two runs (kept CUBIC, quiche's
   * default, until a quiet machine confirms BBR does not cost throughput).
   */
  public static QuicTuning loopback() {
    return new QuicTuning(LOOPBACK_MAX_UDP_PAYLOAD, LOOPBACK_INITIAL_MAX_DATA, LOOPBACK_INITIAL_MAX_STREAM_DATA,
        LOOPBACK_CONGESTION_CONTROL, LOOPBACK_EPOLL, false, false, LOOPBACK_SOCKET_BUFFER_BYTES);
  }

  public static final int LOOPBACK_MAX_UDP_PAYLOAD = 32 * 1024;
  public static final long LOOPBACK_INITIAL_MAX_DATA = 64L << 20;
  public static final long LOOPBACK_INITIAL_MAX_STREAM_DATA = 32L << 20;
  public static final QuicCongestionControlAlgorithm LOOPBACK_CONGESTION_CONTROL = QuicCongestionControlAlgorithm.CUBIC;
  /** Epoll (with or without GSO/GRO) measured no faster than NIO here once datagrams are 32 KB. */
  public static final boolean LOOPBACK_EPOLL = false;
  public static final int LOOPBACK_SOCKET_BUFFER_BYTES = 4 << 20;

  public QuicTuning withMaxUdpPayload(int v) {
    return new QuicTuning(v, initialMaxData, initialMaxStreamData, congestionControl, epoll, gso, gro,
        socketBufferBytes);
  }

  public QuicTuning withWindows(long data, long streamData) {
    return new QuicTuning(maxUdpPayload, data, streamData, congestionControl, epoll, gso, gro, socketBufferBytes);
  }

  public QuicTuning withCongestionControl(QuicCongestionControlAlgorithm v) {
    return new QuicTuning(maxUdpPayload, initialMaxData, initialMaxStreamData, v, epoll, gso, gro,
        socketBufferBytes);
  }

  public QuicTuning withEpoll(boolean v, boolean withGso, boolean withGro) {
    return new QuicTuning(maxUdpPayload, initialMaxData, initialMaxStreamData, congestionControl, v, withGso, withGro,
        socketBufferBytes);
  }

  public QuicTuning withSocketBuffers(int bytes) {
    return new QuicTuning(maxUdpPayload, initialMaxData, initialMaxStreamData, congestionControl, epoll, gso, gro,
        bytes);
  }

  /** Receive buffer for one datagram read: a whole datagram, or a whole GRO batch. */
  int receiveBufferBytes() {
    return gro ? 65535 : Math.max(2048, maxUdpPayload);
  }
}
