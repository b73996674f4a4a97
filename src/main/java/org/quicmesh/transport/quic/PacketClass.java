package org.quicmesh.transport.quic;

/**
 * What a datagram arriving on the node's one UDP socket is, decided from its first bytes (see
 * {@link PacketClassifier}). QUIC packets go to the codec that owns their destination connection id; the other
 * classes go to whoever registered for them in {@link Datagrams}.
 */
public enum PacketClass {
  /** QUIC for a connection a peer dialed to us (or a new one): the server codec. */
  QUIC_SERVER,
  /** QUIC for a connection we dialed: its destination connection id carries our client prefix. */
  QUIC_CLIENT,
  /** RFC 5389 STUN: first two bits 00 and the magic cookie 0x2112A442 at bytes 4-7. */
  STUN,
  /** Our own path probes / hole-punch packets: they start with {@link PacketClassifier#PROBE_MAGIC}. */
  PROBE,
  /** Anything else: dropped and counted. */
  UNKNOWN
}
