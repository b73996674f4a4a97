package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicmesh.pubsub.Peers.id;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;

class ChokingTest {
  /** Decide every heartbeat once 10 first copies are in, choke below a 15 % share, keep 3 unchoked, churn 2. */
  private static final ChokeSettings SETTINGS = new ChokeSettings(true, 3, 1, 10, 0.15, 2, 0, 0, 0);

  private static List<NodeId> mesh(int n) {
    List<NodeId> mesh = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      mesh.add(id(i));
    }
    return mesh;
  }

  /** A choking whose first window is open for {@code mesh}: it opens at the first heartbeat. */
  private static Choking started(List<NodeId> mesh) {
    Choking choking = new Choking(SETTINGS);
    assertEquals(Choking.Decision.NONE, choking.heartbeat(mesh), "an empty window decides nothing");
    return choking;
  }

  /** {@code counts[i]} first copies from mesh peer i. */
  private static void firsts(Choking choking, List<NodeId> mesh, int... counts) {
    for (int i = 0; i < counts.length; i++) {
      for (int k = 0; k < counts[i]; k++) {
        choking.firstCopyFrom(mesh.get(i), false);
      }
    }
  }

  /** {@code count} first copies from peers outside the mesh, each its message's origin or not. */
  private static void firstsFromOutside(Choking choking, int count, boolean fromOrigin) {
    for (int k = 0; k < count; k++) {
      choking.firstCopyFrom(id(100 + k), fromOrigin);
    }
  }

  @Test
  void theFirstDecisionChokesEveryLatePeerLaterOnesAtMostChurn() {
    List<NodeId> mesh = mesh(8);
    Choking choking = started(mesh);
    firsts(choking, mesh, 40, 30, 20, 1, 0, 0, 20, 20);
    Choking.Decision first = choking.heartbeat(mesh);
    assertEquals(Set.of(id(4), id(5), id(6)), Set.copyOf(first.choke()), "all below the share, beyond the churn");
    assertTrue(first.unchoke().isEmpty());

    // Two more peers fall behind: later decisions change at most churn peers at a time.
    firsts(choking, mesh, 40, 30, 20, 0, 0, 0, 1, 1);
    Choking.Decision next = choking.heartbeat(mesh);
    assertEquals(Set.of(id(7), id(8)), Set.copyOf(next.choke()));
    assertTrue(choking.hasChoked(id(5)) && choking.hasChoked(id(8)));
  }

  @Test
  void theFirstDecisionComesAsSoonAsTheWindowIsFullNotAtTheNextHeartbeat() {
    List<NodeId> mesh = mesh(8);
    Choking fresh = new Choking(SETTINGS);
    firsts(fresh, mesh, 40, 30, 20, 1, 0, 0, 20, 20);
    assertEquals(Choking.Decision.NONE, fresh.firstDecision(mesh), "no window before the first heartbeat");

    Choking carried = started(mesh);
    firsts(carried, mesh, 5, 4, 3);
    assertEquals(Choking.Decision.NONE, carried.firstDecision(mesh), "the mesh carries the firsts: the heartbeat decides");

    Choking choking = started(mesh);
    firsts(choking, mesh, 1, 1);
    firstsFromOutside(choking, 7, true);
    assertEquals(Choking.Decision.NONE, choking.firstDecision(mesh), "9 first copies: not yet");
    firstsFromOutside(choking, 1, true);
    Choking.Decision first = choking.firstDecision(mesh);
    assertEquals(7, first.choke().size(), "at the 10th first copy, floods first: every late peer down to one pusher");
    firsts(choking, mesh, 40, 30, 20, 0, 0, 0, 0, 0);
    assertEquals(Choking.Decision.NONE, choking.firstDecision(mesh), "later decisions wait for heartbeats");
    assertTrue(choking.heartbeat(mesh).choke().isEmpty(), "the heartbeat after judges a new window");
  }

  @Test
  void firstCopiesFromOutsideTheMeshCountTowardsTheWindowSoLateMeshPeersAreChoked() {
    // Flood publishing: the first copy comes straight from the origin, which is not a mesh peer; every mesh copy is late.
    List<NodeId> mesh = mesh(6);
    Choking choking = started(mesh);
    firsts(choking, mesh, 1, 1, 0, 0, 0, 0);
    firstsFromOutside(choking, 20, false);

    Choking.Decision decision = choking.heartbeat(mesh);

    assertEquals(mesh.size() - SETTINGS.dNonChoke(), decision.choke().size(),
        "the window is full with the origins' copies: down to d-non-choke at once");
    assertTrue(Set.of(id(3), id(4), id(5), id(6)).containsAll(decision.choke()), decision.toString());
  }

  @Test
  void dNonChokePeersStayUnchokedHoweverUneven() {
    List<NodeId> mesh = mesh(4);
    Choking choking = started(mesh);
    firsts(choking, mesh, 100, 0, 0, 0);
    assertEquals(1, choking.heartbeat(mesh).choke().size(), "4 peers, 3 must stay unchoked");
    firsts(choking, mesh, 100);
    assertTrue(choking.heartbeat(mesh).choke().isEmpty());
    assertEquals(1, choking.chokedPeers().size());
  }

  @Test
  void aWindowWithTooFewMessagesGoesOnUntilItHasEnough() {
    List<NodeId> mesh = mesh(6);
    Choking choking = started(mesh);
    firsts(choking, mesh, 5, 0, 0, 0, 0, 0);
    assertTrue(choking.heartbeat(mesh).choke().isEmpty(), "5 first copies are too few to judge anyone");
    firsts(choking, mesh, 5, 0, 0, 0, 0, 0);
    assertEquals(3, choking.heartbeat(mesh).choke().size(),
        "10 accumulated over two heartbeats are enough (a first decision: down to d-non-choke at once)");
  }

  @Test
  void aPeerThatJoinedTheMeshMidWindowIsNotJudged() {
    List<NodeId> mesh = mesh(5);
    Choking choking = started(mesh);
    List<NodeId> grown = mesh(6);
    firsts(choking, grown, 30, 30, 30, 30, 30, 0);
    assertFalse(choking.heartbeat(grown).choke().contains(id(6)));
    assertFalse(choking.hasChoked(id(6)));
  }

  @Test
  void aChokedPeerWhoseAnnouncementsComeFirstIsUnchoked() {
    List<NodeId> mesh = mesh(6);
    Choking choking = started(mesh);
    firsts(choking, mesh, 40, 30, 20, 10, 0, 0);
    choking.heartbeat(mesh);
    assertTrue(choking.hasChoked(id(5)));
    choking.announcedFirst(id(5), 8);
    choking.announcedFirst(id(1), 50); // not choked: announcements from it mean nothing here
    firsts(choking, mesh, 12, 10, 10);
    Choking.Decision decision = choking.heartbeat(mesh);
    assertEquals(List.of(id(5)), decision.unchoke());
    assertFalse(choking.hasChoked(id(5)));
  }

  @Test
  void losingUnchokedPeersUnchokesAtOnce() {
    List<NodeId> mesh = mesh(5);
    Choking choking = started(mesh);
    firsts(choking, mesh, 50, 50, 50, 0, 0);
    choking.heartbeat(mesh);
    assertEquals(2, choking.chokedPeers().size());
    List<NodeId> shrunk = List.of(id(1), id(4), id(5)); // two unchoked peers left the mesh
    Choking.Decision decision = choking.heartbeat(shrunk);
    assertEquals(Set.of(id(4), id(5)), Set.copyOf(decision.unchoke()));
    assertTrue(choking.chokedPeers().isEmpty());
  }

  @Test
  void chokesFromPeersLastOnlyWhileTheyAreInTheMesh() {
    Choking choking = new Choking(SETTINGS);
    choking.chokedBy(id(1), true);
    choking.chokedBy(id(2), true);
    assertTrue(choking.isChokedBy(id(1)));
    choking.chokedBy(id(1), false);
    assertFalse(choking.isChokedBy(id(1)));
    choking.heartbeat(List.of(id(3)));
    assertFalse(choking.isChokedBy(id(2)), "peer 2 left the mesh");
    choking.chokedBy(id(3), true);
    choking.forget(id(3));
    assertFalse(choking.isChokedBy(id(3)));
  }

  @Test
  void disabledChokingDecidesNothingButHonoursChokes() {
    Choking choking = new Choking(new ChokeSettings(false, 3, 1, 10, 0.15, 2, 0, 0, 0));
    List<NodeId> mesh = mesh(8);
    for (int round = 0; round < 3; round++) {
      firsts(choking, mesh, 100);
      assertEquals(Choking.Decision.NONE, choking.heartbeat(mesh));
    }
    choking.chokedBy(id(2), true);
    assertTrue(choking.isChokedBy(id(2)));
  }

  @Test
  void whereOriginsFloodsComeFirstFewerPushersAreKeptAndMoreOnceTheMeshCarriesAgain() {
    List<NodeId> mesh = mesh(6);
    Choking choking = started(mesh);
    firsts(choking, mesh, 1, 0, 0, 0, 0, 0);
    firstsFromOutside(choking, 19, true); // straight from each message's origin
    assertEquals(5, choking.heartbeat(mesh).choke().size(), "1 of 20 first copies came through the mesh: 1 pusher");

    // The topic grew: origins no longer reach us directly, the mesh carries every first copy.
    firsts(choking, mesh, 20);
    assertTrue(choking.heartbeat(mesh).unchoke().isEmpty(), "the decision that sees it raises what is kept");
    assertEquals(2, choking.heartbeat(mesh).unchoke().size(), "then the deficit is unchoked at once");
    assertEquals(3, choking.chokedPeers().size());
  }
}
