package org.quicmesh.transport.quic;

import org.quicmesh.transport.DatagramKind;

/**
 * What a datagram arriving on the node's one UDP socket is, decided from its first bytes (see
 * {@link PacketClassifier}). QUIC packets go to the codec that owns their destination connection id; the other
 * classes go to whoever listens for them in {@link Datagrams}.
 */
public enum PacketClass {
  /** QUIC for a connection a peer dialed to us (or a new one): the server codec. */
  QUIC_SERVER,
  /** QUIC for a connection we dialed: its destination connection id carries our client prefix. */
  QUIC_CLIENT,
  /** STUN, see {@link DatagramKind#STUN}. */
  STUN(DatagramKind.STUN),
  /** Our own path probes and hole-punch packets, see {@link DatagramKind#PROBE}. */
  PROBE(DatagramKind.PROBE),
  /** A relay frame: from a relay, for the path layer; towards a relay, for the relay's listener. */
  RELAY(DatagramKind.RELAY),
  /** Anything else: dropped and counted. */
  UNKNOWN;

  private final DatagramKind datagramKind;

  PacketClass() {
    this(null);
  }

  PacketClass(DatagramKind datagramKind) {
    this.datagramKind = datagramKind;
  }

  /** The raw-datagram kind of a non-QUIC class; null for QUIC and unknown packets. */
  DatagramKind datagramKind() {
    return datagramKind;
  }
}
