package org.quicmesh.nat;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.transport.DatagramKind;

/**
 * NAT binding upkeep: the keepalive datagram and whom it goes to. A node behind a NAT sends one from its socket to
 * each of its nearest peers every interval, below common UDP mapping lifetimes (30 s to 2 min), so its mapping and
 * the filter entries for those peers stay open and they can reach it at its mapped address even when idle. The
 * datagram is a probe-kind packet ({@link DatagramKind#PROBE}) with the subtype byte {@code 'K'}: never QUIC, never
 * STUN, and told apart from path probes.
 */
final class Keepalive {
  /** The subtype byte after the probe prefix. */
  static final byte SUBTYPE = 'K';

  private static final byte[] DATAGRAM = datagram();

  private Keepalive() {}

  /** The keepalive datagram (a copy). */
  static byte[] bytes() {
    return DATAGRAM.clone();
  }

  static boolean isKeepalive(byte[] datagram) {
    return datagram.length == DATAGRAM.length && Arrays.equals(datagram, DATAGRAM);
  }

  /** Up to {@code max} peers to keep paths open to, the fastest first, never one of our own addresses. */
  static List<InetSocketAddress> targets(List<PeerInfo> peers, Set<InetSocketAddress> own, int max) {
    return peers.stream()
        .sorted(Comparator.comparingDouble(p -> p.rttMs().orElse(Double.MAX_VALUE)))
        .map(p -> p.contact().socketAddress())
        .filter(a -> !a.isUnresolved() && !own.contains(a))
        .distinct()
        .limit(max)
        .toList();
  }

  private static byte[] datagram() {
    byte[] magic = DatagramKind.probeMagic();
    byte[] bytes = Arrays.copyOf(magic, magic.length + 1);
    bytes[magic.length] = SUBTYPE;
    return bytes;
  }
}
