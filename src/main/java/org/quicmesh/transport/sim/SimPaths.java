package org.quicmesh.transport.sim;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.PathControl;

/**
 * {@link PathControl} of a simulated host. A simulated "connection" has no fixed path: every request, answer and
 * stream message to a routed peer leaves over the route current when it is sent (straight to the route's address, or
 * through its relay session, see {@link SimRelayEnd}), and frames a relay passes us are matched to their peer by
 * (relay address, session), as the QUIC transport's path table does.
 */
final class SimPaths implements PathControl {
  private record SessionKey(InetSocketAddress relay, long session) {}

  private final Map<NodeId, Path> routes = new HashMap<>();
  private final Map<SessionKey, NodeId> bySession = new HashMap<>();
  private final DatagramPlane datagrams;

  SimPaths(DatagramPlane datagrams) {
    this.datagrams = datagrams;
  }

  @Override
  public synchronized void route(NodeId peer, Path path) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(path, "path");
    unindex(peer, routes.put(peer, path));
    if (path instanceof Path.Relayed relayed) {
      bySession.put(new SessionKey(relayed.relayAddress(), relayed.session()), peer);
    }
  }

  @Override
  public synchronized Optional<Path> route(NodeId peer) {
    return Optional.ofNullable(routes.get(peer));
  }

  @Override
  public synchronized Map<NodeId, Path> routes() {
    return Map.copyOf(routes);
  }

  @Override
  public synchronized void forget(NodeId peer) {
    unindex(peer, routes.remove(peer));
  }

  @Override
  public CompletionStage<Void> send(Path path, byte[] payload) {
    return datagrams.send(path.via(), path.frame(payload));
  }

  /** The route for {@code peer}, or null; a cheap emptiness check when no peer is routed (every run without routes). */
  synchronized Path current(NodeId peer) {
    return routes.isEmpty() ? null : routes.get(peer);
  }

  /** The peer whose route uses session {@code session} at the relay at {@code relay}, or null. */
  synchronized NodeId peerOfSession(InetSocketAddress relay, long session) {
    return bySession.get(new SessionKey(relay, session));
  }

  private void unindex(NodeId peer, Path old) {
    if (old instanceof Path.Relayed relayed) {
      bySession.remove(new SessionKey(relayed.relayAddress(), relayed.session()), peer);
    }
  }
}
