package org.quicmesh.transport.sim;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.PathControl;

/**
 * {@link PathControl} of a simulated host. A simulated "connection" is the stream of requests to one peer, so a route
 * only changes where those requests go: a direct route sends them to the route's address (through whatever NATs lie
 * there) instead of the contact's.
 */
final class SimPaths implements PathControl {
  private final Map<NodeId, Path> routes = new ConcurrentHashMap<>();
  private final DatagramPlane datagrams;

  SimPaths(DatagramPlane datagrams) {
    this.datagrams = datagrams;
  }

  @Override
  public void route(NodeId peer, Path path) {
    routes.put(Objects.requireNonNull(peer, "peer"), Objects.requireNonNull(path, "path"));
  }

  @Override
  public Optional<Path> route(NodeId peer) {
    return Optional.ofNullable(routes.get(peer));
  }

  @Override
  public Map<NodeId, Path> routes() {
    return Map.copyOf(routes);
  }

  @Override
  public void forget(NodeId peer) {
    routes.remove(peer);
  }

  @Override
  public CompletionStage<Void> send(Path path, byte[] payload) {
    return datagrams.send(path.via(), path.frame(payload));
  }

  /** Where a request to {@code peer} goes: its direct route's address, else the contact's. */
  InetSocketAddress target(NodeId peer, InetSocketAddress contactAddress) {
    Path path = routes.get(peer);
    return path instanceof Path.Direct direct ? direct.address() : contactAddress;
  }
}
