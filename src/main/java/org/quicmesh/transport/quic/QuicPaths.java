package org.quicmesh.transport.quic;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.PathControl;

/** {@link PathControl} of the QUIC transport: the {@link PathTable} that {@link PathRouter} and the demux read. */
final class QuicPaths implements PathControl {
  private final PathTable table;
  private final DatagramPlane datagrams;
  private final Consumer<InetSocketAddress> closeConnectionsTo;

  QuicPaths(PathTable table, DatagramPlane datagrams, Consumer<InetSocketAddress> closeConnectionsTo) {
    this.table = table;
    this.datagrams = datagrams;
    this.closeConnectionsTo = closeConnectionsTo;
  }

  @Override
  public void route(NodeId peer, Path path) {
    table.route(Objects.requireNonNull(peer, "peer"), Objects.requireNonNull(path, "path"));
  }

  @Override
  public Optional<Path> route(NodeId peer) {
    return table.path(peer);
  }

  @Override
  public Map<NodeId, Path> routes() {
    return table.paths();
  }

  @Override
  public void forget(NodeId peer) {
    InetSocketAddress stable = table.forget(peer);
    if (stable != null) {
      closeConnectionsTo.accept(stable);
    }
  }

  @Override
  public CompletionStage<Void> send(Path path, byte[] payload) {
    return datagrams.send(path.via(), path.frame(payload));
  }
}
