package org.quicmesh.connect;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Path;
import org.quicmesh.wire.Contact;

/**
 * What the {@link ConnectionManager} knows of one connected peer: the contact requests go to, its relay path (if
 * the connection came through a relay), its direct path (once found), the token both ends check paths with, and the
 * children working on it. Mutable; owned by the manager.
 */
final class Link {
  final NodeId peer;
  Contact contact;
  Path.Relayed relayed;
  /** The peer's endpoint record a relayed connection came from (its other relays are where a failover goes). */
  EndpointRecord record;
  Path.Direct direct;
  Path current;
  double rttMs = Double.NaN;
  byte[] token;
  boolean initiator;
  ActorRef<IceAgent.Command> ice;
  ActorRef<PathProber.Command> prober;
  ActorRef<RelayWatch.Command> relayWatch;
  /** A {@link Dialer#failover} is looking for another relay. */
  boolean failingOver;
  /** Latest figures of the direct path and of the relay path, from the prober or the relay watch (null: none). */
  PathStats directStats;
  PathStats relayStats;
  int pathChanges;
  int failedUpgrades;
  int failedFailovers;

  Link(NodeId peer) {
    this.peer = peer;
  }

  ConnectionInfo info() {
    InetSocketAddress remote = current != null ? current.via() : contact.socketAddress();
    String kind = current != null ? current.kind() : "direct";
    List<PathStats> paths = java.util.stream.Stream.of(directStats, relayStats).filter(Objects::nonNull).toList();
    return new ConnectionInfo(peer, kind, remote, rttMs, relayed == null ? null : relayed.relay(), pathChanges,
        paths);
  }
}
