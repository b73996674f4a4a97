package org.quicmesh.transport.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Path;

/** The routes of a simulated host, and the relay sessions they name. */
class SimPathsTest {
  private static final InetSocketAddress RELAY = new InetSocketAddress("127.0.0.9", 4000);
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.8", 4000);
  private final NodeId relayId = Keypair.generate().nodeId();
  private final NodeId peer = Keypair.generate().nodeId();
  private final SimPaths paths = new SimPaths(null);

  @Test
  void aRelayedRouteNamesItsSessionUntilAnotherSessionReplacesItOrTheRouteIsForgotten() {
    assertNull(paths.current(peer));
    Path.Relayed relayed = new Path.Relayed(relayId, RELAY, 7);
    paths.route(peer, relayed);
    assertEquals(peer, paths.peerOfSession(RELAY, 7));
    assertNull(paths.peerOfSession(RELAY, 8), "another session");
    assertNull(paths.peerOfSession(PEER, 7), "the same session number at another relay");

    paths.route(peer, new Path.Direct(PEER));
    assertEquals(peer, paths.peerOfSession(RELAY, 7), "sending direct, the peer may still reach us through the relay");
    assertEquals(new Path.Direct(PEER), paths.current(peer));

    paths.route(peer, new Path.Relayed(relayId, RELAY, 9));
    assertNull(paths.peerOfSession(RELAY, 7), "a new session replaces the old one");
    assertEquals(peer, paths.peerOfSession(RELAY, 9));

    paths.route(peer, relayed);
    paths.forget(peer);
    assertNull(paths.peerOfSession(RELAY, 7));
    assertEquals(Optional.empty(), paths.route(peer));
    assertEquals(Map.of(), paths.routes());
  }

  @Test
  void aSessionMovedToAnotherPeerNamesOnlyThatPeer() {
    NodeId other = Keypair.generate().nodeId();
    paths.route(peer, new Path.Relayed(relayId, RELAY, 7));
    paths.route(other, new Path.Relayed(relayId, RELAY, 7));
    paths.route(peer, new Path.Direct(PEER));
    assertEquals(other, paths.peerOfSession(RELAY, 7), "moving the first peer's route leaves the other's session");
  }
}
