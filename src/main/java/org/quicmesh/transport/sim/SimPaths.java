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
  /**
   * One routed peer: its current path, which changes while the route lives. Streams hold on to the route they were
   * sent over; when it is forgotten they break, as the QUIC transport closes the connections bound to a route.
   */
  static final class Route {
    private volatile Path path;
    /**
     * The last relay session of the route: its frames stay accepted while we send direct (the peer switches on its
     * own and its probes of the relay path must arrive), as in the QUIC transport's path table.
     */
    private Path.Relayed relay;

    private Route(Path path) {
      this.path = path;
    }

    Path path() {
      return path;
    }
  }

  private record SessionKey(InetSocketAddress relay, long session) {}

  private final Map<NodeId, Route> routes = new HashMap<>();
  private final Map<SessionKey, NodeId> bySession = new HashMap<>();
  private final DatagramPlane datagrams;

  SimPaths(DatagramPlane datagrams) {
    this.datagrams = datagrams;
  }

  @Override
  public synchronized void route(NodeId peer, Path path) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(path, "path");
    Route route = routes.computeIfAbsent(peer, p -> new Route(path));
    route.path = path;
    if (path instanceof Path.Relayed relayed) {
      if (route.relay != null && !route.relay.equals(relayed)) {
        unindex(peer, route.relay);
      }
      route.relay = relayed;
      bySession.put(new SessionKey(relayed.relayAddress(), relayed.session()), peer);
    }
  }

  @Override
  public synchronized Optional<Path> route(NodeId peer) {
    return Optional.ofNullable(current(peer));
  }

  @Override
  public synchronized Map<NodeId, Path> routes() {
    Map<NodeId, Path> paths = new HashMap<>();
    routes.forEach((peer, route) -> paths.put(peer, route.path));
    return Map.copyOf(paths);
  }

  @Override
  public synchronized void forget(NodeId peer) {
    Route route = routes.remove(peer);
    if (route != null && route.relay != null) {
      unindex(peer, route.relay);
    }
  }

  @Override
  public CompletionStage<Void> send(Path path, byte[] payload) {
    return datagrams.send(path.via(), path.frame(payload));
  }

  /** The route of {@code peer}, or null; a cheap emptiness check when no peer is routed (every run without routes). */
  synchronized Route bound(NodeId peer) {
    return routes.isEmpty() ? null : routes.get(peer);
  }

  /** The current path to {@code peer}, or null when it has no route. */
  synchronized Path current(NodeId peer) {
    Route route = bound(peer);
    return route == null ? null : route.path;
  }

  /** The peer whose route uses session {@code session} at the relay at {@code relay}, or null. */
  synchronized NodeId peerOfSession(InetSocketAddress relay, long session) {
    return bySession.get(new SessionKey(relay, session));
  }

  private void unindex(NodeId peer, Path.Relayed old) {
    bySession.remove(new SessionKey(old.relayAddress(), old.session()), peer);
  }
}
