package org.quicmesh.transport.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.OptionalLong;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.RelayFrame;

/**
 * A simulated host's end of its relay sessions, what the QUIC transport's path layer does with relay frames: sends a
 * parcel over a relayed path as a {@code TO_RELAY} frame from the host's socket (so the NATs, the network and the
 * relay's forwarder all decide whether it arrives), and takes {@code FROM_RELAY} frames before any datagram listener,
 * matching (relay address, session) to the route of a peer.
 *
 * <p>Drops, counted in the host's rejections: {@code relay-unknown-session} (no route names that session at that
 * relay), {@code relay-peer-mismatch} (the parcel's sender is not the route's peer: a real connection would not
 * authenticate), {@code relay-unknown-packet} (a token never held, already claimed or expired), {@code relay-not-quic}
 * (a payload neither a simulator packet nor STUN or a probe).
 */
final class SimRelayEnd {
  private final SimTransport host;
  private final SimPaths paths;
  private final SimDatagrams datagrams;

  SimRelayEnd(SimTransport host, SimPaths paths, SimDatagrams datagrams) {
    this.host = host;
    this.paths = paths;
    this.datagrams = datagrams;
  }

  /** Whether a datagram is a frame a relay passed to us (the relay's own listeners take only {@code TO_RELAY}). */
  static boolean isFromRelay(byte[] datagram) {
    ByteBuffer d = ByteBuffer.wrap(datagram);
    return RelayFrame.matches(d) && RelayFrame.direction(d).orElse(null) == RelayFrame.Direction.FROM_RELAY;
  }

  /** Sends {@code parcel} over {@code path}, in a frame of {@code size} payload bytes (what it would weigh on QUIC). */
  void send(Path.Relayed path, SimParcel parcel, int size) {
    long token = host.network().parcels().hold(parcel);
    datagrams.send(path.relayAddress(), path.frame(SimPacket.of(token, size)));
  }

  /** A frame that {@link #isFromRelay}, from {@code relay}, received on local socket {@code local}. */
  void receive(InetSocketAddress relay, InetSocketAddress local, byte[] frame) {
    NodeId peer = paths.peerOfSession(relay, RelayFrame.session(ByteBuffer.wrap(frame)));
    if (peer == null) {
      host.reject("relay-unknown-session");
      return;
    }
    OptionalLong token = SimPacket.token(frame, RelayFrame.HEADER_BYTES);
    if (token.isPresent()) {
      deliver(peer, relay, token.getAsLong());
      return;
    }
    byte[] inner = Arrays.copyOfRange(frame, RelayFrame.HEADER_BYTES, frame.length);
    DatagramKind kind = DatagramKind.of(inner).orElse(null);
    if (kind == DatagramKind.STUN || kind == DatagramKind.PROBE) {
      // A probe over a relayed path: its listeners see it from the relay, as any datagram from there.
      datagrams.dispatch(new Datagram(kind, relay, local, inner));
    } else {
      host.reject("relay-not-quic");
    }
  }

  private void deliver(NodeId peer, InetSocketAddress relay, long token) {
    SimParcel parcel = host.network().parcels().claim(token);
    if (parcel == null) {
      host.reject("relay-unknown-packet");
      return;
    }
    if (!parcel.sender().localId().equals(peer)) {
      host.reject("relay-peer-mismatch");
      return;
    }
    parcel.arrival().at(host, relay);
  }
}
