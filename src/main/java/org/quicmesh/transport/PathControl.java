package org.quicmesh.transport;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.quicmesh.identity.NodeId;

/**
 * Where a transport sends its packets for a peer, changeable while connections to it live.
 *
 * <p>Once a peer has a route, requests and streams to it use a connection bound to the route rather than to an
 * address: when the route changes (relay to direct, one candidate to another, back to the relay), the same connection
 * carries on over the new path, with no new handshake and no stream data lost. Inbound packets of such a connection
 * are accepted from any of the peer's paths. Without a route a peer is dialed at its contact address, as before.
 *
 * <p>Deciding the route (probing candidates, choosing relay or direct) is the connectivity layer's job; this only
 * carries it out. Safe to call from any thread.
 */
public interface PathControl {

  /** Routes our packets for {@code peer} over {@code path} from now on (creating the route if there was none). */
  void route(NodeId peer, Path path);

  /** The current route to {@code peer}, if any. */
  Optional<Path> route(NodeId peer);

  /** Every route, by peer. */
  Map<NodeId, Path> routes();

  /** Drops the route to {@code peer} and closes the connections bound to it. */
  void forget(NodeId peer);

  /**
   * Sends one raw datagram (a probe) over {@code path}: straight to its address, or in a relay frame of its session.
   * Completes when handed to the network.
   */
  CompletionStage<Void> send(Path path, byte[] payload);
}
