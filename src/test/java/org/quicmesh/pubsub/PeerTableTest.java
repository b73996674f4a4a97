package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The router's peer table: who we stream to, who is being located, and when a peer re-opened its stream to us. */
class PeerTableTest {
  // The table only compares links by identity; these tests need no open stream.
  private static final PeerLink LINK = null;

  @Test
  void aPeerWhoseStreamReachedUsFirstIsNotReannouncedToWhenWeConnect() {
    PeerTable table = new PeerTable();
    assertFalse(table.inboundOpened(Peers.id(1)), "not connected yet");
    assertTrue(table.startLocating(Peers.id(1)));
    assertFalse(table.startLocating(Peers.id(1)), "located once at a time");
    table.add(Peers.contact(1), LINK);
    assertFalse(table.startLocating(Peers.id(1)), "connected");
    assertTrue(table.inboundOpened(Peers.id(1)), "a second stream from a connected peer is a re-opened one");
  }

  @Test
  void aPeerWeConnectedFirstIsReannouncedToOnlyWhenItOpensASecondStream() {
    PeerTable table = new PeerTable();
    table.add(Peers.contact(2), LINK);
    assertFalse(table.inboundOpened(Peers.id(2)), "its answer to our stream: the normal handshake");
    table.inboundClosed(Peers.id(2));
    assertTrue(table.inboundOpened(Peers.id(2)), "its router restarted and streams again: it forgot our topics");
  }

  @Test
  void aClosedLinkRemovesItsPeerOnceAndOnlyAStreamItCountedIsUncounted() {
    PeerTable table = new PeerTable();
    assertNull(table.removeIfLink(Peers.id(3), LINK), "never connected");
    ConnectedPeer peer = table.add(Peers.contact(3), LINK);
    assertSame(peer, table.get(Peers.id(3)));
    assertSame(peer, table.removeIfLink(Peers.id(3), LINK));
    assertFalse(table.contains(Peers.id(3)));
    assertNull(table.removeIfLink(Peers.id(3), LINK), "a second report changes nothing");
    table.inboundClosed(Peers.id(3)); // a stream the table never counted (an earlier router's): ignored
    assertFalse(table.inboundOpened(Peers.id(3)));
  }
}
