package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicmesh.pubsub.Peers.contact;
import static org.quicmesh.pubsub.Peers.id;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Prune;

class TopicMeshTest {
  private static final PubSubSettings SETTINGS = PubSubSettings.defaults();
  private static final String TOPIC = "chat";
  private static final long T0 = 1_000_000;
  private static final long HEARTBEAT = SETTINGS.heartbeatMillis();

  /** A mesh for node 0 that knows peers 1..n as subscribers. */
  private static TopicMesh meshKnowing(int n) {
    TopicMesh mesh = new TopicMesh(TOPIC, id(0), SETTINGS);
    for (int i = 1; i <= n; i++) {
      mesh.peerSubscribed(contact(i));
    }
    return mesh;
  }

  /** The default settings with one key of {@code quicmesh.pubsub} changed. */
  static PubSubSettings with(String key, Object value) {
    return PubSubSettings.fromConfig(com.typesafe.config.ConfigFactory.defaultReference()
        .getConfig("quicmesh.pubsub").withValue(key, com.typesafe.config.ConfigValueFactory.fromAnyRef(value)));
  }

  private static TopicMesh joined(int n, Random random) {
    TopicMesh mesh = meshKnowing(n);
    mesh.join(T0, random);
    return mesh;
  }

  // ------------------------------------------------------------------------------------------ join / leave

  @Test
  void joinGraftsDRandomKnownPeers() {
    TopicMesh mesh = meshKnowing(20);
    List<MeshAction.SendGraft> grafts = mesh.join(T0, new Random(1));
    assertEquals(SETTINGS.d(), grafts.size());
    assertEquals(Set.copyOf(mesh.meshPeers()), Set.copyOf(grafts.stream().map(MeshAction.SendGraft::peer).toList()));
    assertTrue(grafts.stream().allMatch(g -> g.message().topic().equals(TOPIC)));
    assertTrue(mesh.isReady());
  }

  @Test
  void joinWithFewerPeersThanDGraftsAllOfThem() {
    TopicMesh mesh = meshKnowing(3);
    assertEquals(3, mesh.join(T0, new Random(1)).size());
    assertTrue(mesh.isReady(), "a group smaller than D_low is ready once every peer it knows is in the mesh");
  }

  @Test
  void leavePrunesEveryMeshPeerWithUnsubscribeBackoffAndPeerExchange() {
    TopicMesh mesh = joined(20, new Random(2));
    List<NodeId> former = mesh.meshPeers();
    List<MeshAction.SendPrune> prunes = mesh.leave(T0, new Random(2));
    assertEquals(Set.copyOf(former), Set.copyOf(prunes.stream().map(MeshAction.SendPrune::peer).toList()));
    for (MeshAction.SendPrune p : prunes) {
      assertEquals(PruneReason.LEAVE, p.reason());
      assertEquals(SETTINGS.unsubscribeBackoffMillis(), p.message().backoffMillis());
      assertEquals(former.size() - 1, p.message().peerExchange().size());
      assertTrue(p.message().peerExchange().stream().noneMatch(c -> c.id().equals(p.peer())));
      assertTrue(mesh.inBackoff(p.peer(), T0 + 1));
    }
    assertEquals(0, mesh.meshSize());
    assertFalse(mesh.isSubscribed());
  }

  @Test
  void rejoinRightAfterLeavingSkipsTheFormerMeshPeersInBackoff() {
    TopicMesh mesh = joined(20, new Random(26));
    List<NodeId> former = mesh.meshPeers();
    mesh.leave(T0, new Random(26));
    List<MeshAction.SendGraft> grafts = mesh.join(T0 + 1_000, new Random(27));
    assertEquals(SETTINGS.d(), grafts.size(), "14 other peers remain eligible");
    assertTrue(grafts.stream().noneMatch(g -> former.contains(g.peer())));
  }

  // ------------------------------------------------------------------------------------------ grafts received

  @Test
  void graftForATopicWeAreNotSubscribedToIsRefusedWithAPrune() {
    TopicMesh mesh = meshKnowing(5);
    GraftDecision d = mesh.onGraft(contact(9), T0);
    MeshAction.SendPrune prune = assertInstanceOf(GraftDecision.Refused.class, d).prune();
    assertEquals(PruneReason.NOT_SUBSCRIBED, prune.reason());
    assertEquals(id(9), prune.peer());
    assertEquals(0, mesh.meshSize());
  }

  @Test
  void graftFromAPeerInBackoffIsRefusedWithAPruneAndTheBackoffRefreshed() {
    TopicMesh mesh = joined(20, new Random(3));
    NodeId peer = mesh.meshPeers().get(0);
    mesh.onPrune(peer, 10_000, List.of(), T0);
    long graftAt = T0 + 5_000;
    GraftDecision d = mesh.onGraft(contact(peer), graftAt);
    MeshAction.SendPrune prune = assertInstanceOf(GraftDecision.Refused.class, d).prune();
    assertEquals(PruneReason.GRAFT_IN_BACKOFF, prune.reason());
    assertTrue(prune.message().peerExchange().isEmpty(), "no peer exchange for a misbehaving peer");
    assertFalse(mesh.meshPeers().contains(peer));
    assertEquals(graftAt + SETTINGS.pruneBackoffMillis(), mesh.backoffExpiry(peer).getAsLong(),
        "the early graft restarts a full prune backoff");
  }

  @Test
  void graftAfterTheBackoffExpiredIsAccepted() {
    TopicMesh mesh = joined(20, new Random(3));
    NodeId peer = mesh.meshPeers().get(0);
    mesh.onPrune(peer, 10_000, List.of(), T0);
    assertInstanceOf(GraftDecision.Accepted.class, mesh.onGraft(contact(peer), T0 + 10_000));
    assertTrue(mesh.meshPeers().contains(peer));
  }

  @Test
  void graftAboveDHighIsAcceptedAndTheHeartbeatTrimsToD() {
    TopicMesh mesh = joined(30, new Random(4));
    for (int i = 1; i <= 30; i++) {
      mesh.onGraft(contact(i), T0);
    }
    assertEquals(30, mesh.meshSize());
    HeartbeatResult hb = mesh.heartbeat(T0 + HEARTBEAT, new Random(4));
    assertEquals(SETTINGS.d(), mesh.meshSize());
    assertEquals(30 - SETTINGS.d(), hb.prunes().size());
  }

  // ------------------------------------------------------------------------------------------ prunes received

  @Test
  void prunedPeerIsNotGraftedBeforeThePrunersBackoffExpires() {
    TopicMesh mesh = joined(5, new Random(5)); // all 5 known peers in the mesh
    NodeId pruner = mesh.meshPeers().get(0);
    long backoff = 30_000;
    mesh.onPrune(pruner, backoff, List.of(), T0);
    // Take the mesh below D_low so every heartbeat wants to graft.
    for (NodeId p : mesh.meshPeers()) {
      mesh.peerDisconnected(p);
    }
    long now = T0;
    for (; now < T0 + backoff; now += HEARTBEAT) {
      HeartbeatResult hb = mesh.heartbeat(now, new Random(now));
      assertTrue(hb.grafts().stream().noneMatch(g -> g.peer().equals(pruner)), "grafted during backoff at " + now);
    }
    boolean grafted = false;
    for (; now < T0 + backoff + 5 * HEARTBEAT && !grafted; now += HEARTBEAT) {
      grafted = mesh.heartbeat(now, new Random(now)).grafts().stream().anyMatch(g -> g.peer().equals(pruner));
    }
    assertTrue(grafted, "grafted again within a few heartbeats after the backoff");
  }

  @Test
  void pruneWithoutBackoffAppliesTheDefaultPruneBackoff() {
    TopicMesh mesh = joined(10, new Random(6));
    NodeId pruner = mesh.meshPeers().get(0);
    mesh.onPrune(pruner, 0, List.of(), T0);
    assertEquals(T0 + SETTINGS.pruneBackoffMillis(), mesh.backoffExpiry(pruner).getAsLong());
  }

  @Test
  void aShorterPruneBackoffNeverShortensARunningOne() {
    TopicMesh mesh = joined(10, new Random(6));
    NodeId pruner = mesh.meshPeers().get(0);
    mesh.onPrune(pruner, 50_000, List.of(), T0);
    mesh.onPrune(pruner, 1_000, List.of(), T0 + 1);
    assertEquals(T0 + 50_000, mesh.backoffExpiry(pruner).getAsLong());
  }

  @Test
  void prunePeerExchangeReturnsOnlyNewCandidates() {
    TopicMesh mesh = joined(6, new Random(7)); // every known peer in the mesh: a prune leaves it short of one
    NodeId pruner = mesh.meshPeers().get(0);
    mesh.peerUnsubscribed(mesh.meshPeers().get(1)); // and another one left: two short, none to graft
    List<Contact> px = List.of(contact(0) /* us */, contact(3) /* known */, contact(50), contact(51), contact(50),
        contact(52), new Contact(pruner, "10.9.9.9:1"));
    List<Contact> candidates = mesh.onPrune(pruner, 0, px, T0);
    assertEquals(List.of(contact(50), contact(51)), candidates, "new contacts, as many as the mesh lacks");
  }

  @Test
  void prunePeerExchangeIsIgnoredWhileKnownPeersCanFillTheMesh() {
    TopicMesh mesh = joined(20, new Random(7));
    NodeId pruner = mesh.meshPeers().get(0);
    List<Contact> candidates = mesh.onPrune(pruner, 0, List.of(contact(50), contact(51)), T0);
    assertEquals(List.of(), candidates, "14 known peers outside the mesh may be grafted: no new connections");
  }

  // ------------------------------------------------------------------------------------------ heartbeat

  @Test
  void heartbeatBelowDLowGraftsEligiblePeersUpToD() {
    TopicMesh mesh = joined(20, new Random(8));
    List<NodeId> initial = mesh.meshPeers();
    for (NodeId p : initial.subList(0, 3)) {
      mesh.peerUnsubscribed(p);
    }
    assertEquals(3, mesh.meshSize());
    HeartbeatResult hb = mesh.heartbeat(T0 + HEARTBEAT, new Random(8));
    assertEquals(3, hb.grafts().size());
    assertEquals(SETTINGS.d(), mesh.meshSize());
    assertTrue(hb.grafts().stream().noneMatch(g -> initial.contains(g.peer())), "only peers not already in the mesh");
  }

  @Test
  void heartbeatWithinBoundsChangesNothing() {
    TopicMesh mesh = joined(20, new Random(9));
    mesh.peerUnsubscribed(mesh.meshPeers().get(0)); // 5: between D_low and D
    HeartbeatResult hb = mesh.heartbeat(T0 + HEARTBEAT, new Random(9));
    assertTrue(hb.grafts().isEmpty() && hb.prunes().isEmpty());
    assertEquals(5, mesh.meshSize());
  }

  @Test
  void heartbeatAboveDHighPrunesDownToDWithPeerExchangeAndBackoff() {
    TopicMesh mesh = joined(20, new Random(10));
    for (int i = 1; i <= 20; i++) {
      mesh.onGraft(contact(i), T0);
    }
    long now = T0 + HEARTBEAT;
    HeartbeatResult hb = mesh.heartbeat(now, new Random(10));
    assertEquals(SETTINGS.d(), mesh.meshSize());
    assertEquals(20 - SETTINGS.d(), hb.prunes().size());
    Set<NodeId> kept = Set.copyOf(mesh.meshPeers());
    for (MeshAction.SendPrune p : hb.prunes()) {
      Prune wire = p.message();
      assertEquals(PruneReason.OVERSUBSCRIBED, p.reason());
      assertEquals(SETTINGS.pruneBackoffMillis(), wire.backoffMillis());
      assertFalse(wire.peerExchange().isEmpty());
      assertTrue(wire.peerExchange().size() <= SETTINGS.prunePeers());
      assertTrue(wire.peerExchange().stream().allMatch(c -> kept.contains(c.id())), "PX suggests kept mesh peers");
      assertTrue(mesh.inBackoff(p.peer(), now + 1), "we back off from the pruned peer too");
    }
  }

  @Test
  void heartbeatPicksDLazyGossipPeersOutsideTheMesh() {
    TopicMesh mesh = joined(20, new Random(11));
    HeartbeatResult hb = mesh.heartbeat(T0 + HEARTBEAT, new Random(11));
    List<NodeId> targets = hb.gossipTargets();
    assertEquals(SETTINGS.dLazy(), targets.size());
    assertEquals(targets.size(), new HashSet<>(targets).size(), "distinct");
    assertTrue(targets.stream().noneMatch(mesh.meshPeers()::contains));
  }

  @Test
  void gossipReachesTheGossipFactorShareWhenItExceedsDLazy() {
    TopicMesh mesh = joined(106, new Random(12)); // 100 non-mesh peers
    HeartbeatResult hb = mesh.heartbeat(T0 + HEARTBEAT, new Random(12));
    assertEquals(25, hb.gossip().size());
  }

  // ------------------------------------------------------------------------------------------ fanout

  @Test
  void publishingWithoutSubscribingUsesAFanoutOfDPeersThatStaysStable() {
    TopicMesh mesh = meshKnowing(20);
    List<NodeId> first = mesh.publishTargets(T0, new Random(13), null);
    assertEquals(SETTINGS.d(), first.size());
    assertEquals(first, mesh.fanoutPeers());
    assertEquals(0, mesh.meshSize());
    assertEquals(first, mesh.publishTargets(T0 + 10, new Random(99), null), "same fanout for the next publish");
  }

  @Test
  void publishWithNoKnownPeerHasNoTargets() {
    assertTrue(meshKnowing(0).publishTargets(T0, new Random(1), null).isEmpty());
  }

  @Test
  void fanoutExpiresAfterTheTtlWithoutPublish() {
    TopicMesh mesh = meshKnowing(20);
    mesh.publishTargets(T0, new Random(14), null);
    long ttl = SETTINGS.fanoutTtlMillis();
    assertFalse(mesh.heartbeat(T0 + ttl - 1, new Random(14)).fanoutExpired());
    assertEquals(SETTINGS.d(), mesh.fanoutPeers().size());
    assertTrue(mesh.heartbeat(T0 + ttl, new Random(14)).fanoutExpired());
    assertTrue(mesh.fanoutPeers().isEmpty());
    assertEquals(-1, mesh.snapshot(T0 + ttl).fanoutLastPublishMillis());
  }

  @Test
  void eachPublishRestartsTheFanoutTtl() {
    TopicMesh mesh = meshKnowing(20);
    long ttl = SETTINGS.fanoutTtlMillis();
    mesh.publishTargets(T0, new Random(15), null);
    mesh.publishTargets(T0 + ttl / 2, new Random(15), null);
    assertFalse(mesh.heartbeat(T0 + ttl, new Random(15)).fanoutExpired());
  }

  @Test
  void fanoutIsRefilledToDAtTheHeartbeat() {
    TopicMesh mesh = meshKnowing(20);
    List<NodeId> fanout = mesh.publishTargets(T0, new Random(16), null);
    mesh.peerDisconnected(fanout.get(0));
    mesh.peerUnsubscribed(fanout.get(1));
    HeartbeatResult hb = mesh.heartbeat(T0 + HEARTBEAT, new Random(16));
    assertEquals(2, hb.fanoutAdded().size());
    assertEquals(SETTINGS.d(), mesh.fanoutPeers().size());
    assertTrue(hb.gossipTargets().stream().noneMatch(mesh.fanoutPeers()::contains), "gossip goes outside fanout");
  }

  @Test
  void joinPromotesFanoutPeersIntoTheMesh() {
    TopicMesh mesh = meshKnowing(30);
    List<NodeId> fanout = mesh.publishTargets(T0, new Random(17), null);
    List<MeshAction.SendGraft> grafts = mesh.join(T0 + 1, new Random(18));
    assertEquals(Set.copyOf(fanout), Set.copyOf(mesh.meshPeers()));
    assertEquals(Set.copyOf(fanout), Set.copyOf(grafts.stream().map(MeshAction.SendGraft::peer).toList()));
    assertTrue(mesh.fanoutPeers().isEmpty(), "the fanout is gone once subscribed");
  }

  // ------------------------------------------------------------------------------------------ publish / forward

  @Test
  void publishAndForwardExcludeTheSender() {
    TopicMesh mesh = new TopicMesh(TOPIC, id(0), with("flood-publish", false));
    for (int i = 1; i <= 20; i++) {
      mesh.peerSubscribed(contact(i));
    }
    mesh.join(T0, new Random(19));
    NodeId sender = mesh.meshPeers().get(2);
    List<NodeId> publish = mesh.publishTargets(T0, new Random(19), sender);
    NodeId origin = mesh.meshPeers().get(0);
    List<NodeId> forward = mesh.forwardTargets(sender, origin);
    assertFalse(publish.contains(sender));
    assertFalse(forward.contains(sender));
    assertFalse(forward.contains(origin), "the origin has its own message");
    assertEquals(SETTINGS.d() - 2, forward.size());
    assertEquals(SETTINGS.d() - 1, mesh.forwardTargets(sender, id(999)).size(), "an origin outside the mesh");
    assertEquals(mesh.forwardTargets(sender, id(999)), publish,
        "without flood publishing our own messages go to the mesh");
  }

  @Test
  void floodPublishSendsOurOwnMessagesToEveryKnownSubscriberButForwardsOnlyToTheMesh() {
    TopicMesh mesh = joined(20, new Random(19));
    NodeId sender = mesh.meshPeers().get(2);
    List<NodeId> publish = mesh.publishTargets(T0, new Random(19), sender);
    assertEquals(19, publish.size());
    assertFalse(publish.contains(sender));
    assertEquals(SETTINGS.d() - 1, mesh.forwardTargets(sender, sender).size());
  }

  @Test
  void boundedFloodPublishReachesTheWholeMeshThenRandomOtherSubscribersUpToTheBound() {
    int bound = 8;
    TopicMesh mesh = knowing(20, with("flood-publish-max-peers", bound), new Random(21));
    List<NodeId> publish = mesh.publishTargets(T0, new Random(21), null);
    assertEquals(bound, publish.size());
    assertTrue(publish.containsAll(mesh.meshPeers()), "every mesh peer first");
    assertEquals(bound, Set.copyOf(publish).size(), "no peer twice");

    TopicMesh small = knowing(bound - 1, with("flood-publish-max-peers", bound), new Random(22));
    assertEquals(bound - 1, small.publishTargets(T0, new Random(22), null).size(), "below the bound: every subscriber");
  }

  /** Peers 1..n known with {@code settings}, joined. */
  private static TopicMesh knowing(int n, PubSubSettings settings, Random random) {
    TopicMesh mesh = new TopicMesh(TOPIC, id(0), settings);
    for (int i = 1; i <= n; i++) {
      mesh.peerSubscribed(contact(i));
    }
    mesh.join(T0, random);
    return mesh;
  }

  // ------------------------------------------------------------------------------------------ latency

  /** Peers 1..n known, peer i with a round-trip time of 10 x i ms (peer 1 the fastest). */
  private static TopicMesh knowingWithRtts(int n) {
    TopicMesh mesh = meshKnowing(n);
    for (int i = 1; i <= n; i++) {
      mesh.peerRtt(id(i), 10.0 * i);
    }
    return mesh;
  }

  private static Set<NodeId> ids(int from, int to) {
    Set<NodeId> ids = new HashSet<>();
    for (int i = from; i <= to; i++) {
      ids.add(id(i));
    }
    return ids;
  }

  @Test
  void joinGraftsTheDFastLowestRttPeersAndRandomOthers() {
    TopicMesh mesh = knowingWithRtts(20);
    mesh.join(T0, new Random(30));
    Set<NodeId> meshPeers = Set.copyOf(mesh.meshPeers());
    assertEquals(SETTINGS.d(), meshPeers.size());
    assertTrue(meshPeers.containsAll(ids(1, SETTINGS.dFast())), "the d-fast fastest: " + meshPeers);
    assertEquals(SETTINGS.d() - SETTINGS.dFast(), meshPeers.stream().filter(p -> !ids(1, SETTINGS.dFast())
        .contains(p)).count());
  }

  @Test
  void anOversubscribedMeshKeepsItsFastestPeers() {
    TopicMesh mesh = knowingWithRtts(20);
    mesh.join(T0, new Random(31));
    for (int i = 1; i <= 20; i++) {
      mesh.onGraft(contact(i), T0);
    }
    mesh.heartbeat(T0 + HEARTBEAT, new Random(31));
    assertEquals(SETTINGS.d(), mesh.meshSize());
    assertTrue(mesh.meshPeers().containsAll(ids(1, SETTINGS.dFast())));
  }

  @Test
  void peersFasterThanTheMeshMedianAreGraftedOpportunistically() {
    TopicMesh mesh = meshKnowing(20);
    mesh.join(T0, new Random(32)); // no RTTs yet: a random mesh
    Set<NodeId> initial = Set.copyOf(mesh.meshPeers());
    for (int i = 1; i <= 20; i++) {
      mesh.peerRtt(id(i), initial.contains(id(i)) ? 100 : 10.0 * i); // candidates below 10 are faster than the mesh
    }
    List<NodeId> fastestOutside = new ArrayList<>(ids(1, 20));
    fastestOutside.removeAll(initial);
    fastestOutside.sort(java.util.Comparator.comparingInt(p -> p.byteAt(31)));
    int ticks = SETTINGS.opportunisticGraftTicks();
    for (int t = 1; t < ticks; t++) {
      assertTrue(mesh.heartbeat(T0 + t * HEARTBEAT, new Random(t)).grafts().isEmpty(), "only every few heartbeats");
    }
    HeartbeatResult hb = mesh.heartbeat(T0 + ticks * HEARTBEAT, new Random(32));
    assertEquals(fastestOutside.subList(0, SETTINGS.opportunisticGraftPeers()),
        hb.grafts().stream().map(MeshAction.SendGraft::peer).toList());
    assertEquals(SETTINGS.d() + SETTINGS.opportunisticGraftPeers(), mesh.meshSize());
    assertEquals(SETTINGS.opportunisticGraftPeers(), mesh.snapshot(T0).opportunisticGrafts());
  }

  @Test
  void noOpportunisticGraftWhenNoCandidateBeatsTheMedian() {
    TopicMesh mesh = meshKnowing(20);
    mesh.join(T0, new Random(33));
    Set<NodeId> initial = Set.copyOf(mesh.meshPeers());
    for (int i = 1; i <= 20; i++) {
      mesh.peerRtt(id(i), initial.contains(id(i)) ? 10 : 100);
    }
    for (int t = 1; t <= SETTINGS.opportunisticGraftTicks(); t++) {
      assertTrue(mesh.heartbeat(T0 + t * HEARTBEAT, new Random(t)).grafts().isEmpty());
    }
  }

  @Test
  void fanoutPublishExcludesTheSender() {
    TopicMesh mesh = meshKnowing(20);
    NodeId sender = mesh.publishTargets(T0, new Random(20), null).get(0);
    assertFalse(mesh.publishTargets(T0 + 1, new Random(20), sender).contains(sender));
  }

  @Test
  void nothingIsForwardedWhenNotSubscribed() {
    TopicMesh mesh = meshKnowing(20);
    mesh.publishTargets(T0, new Random(21), null);
    assertTrue(mesh.forwardTargets(id(1), id(2)).isEmpty());
  }

  // ------------------------------------------------------------------------------------------ slow peers

  @Test
  void slowPeerIsPrunedWithBackoffAndNotRegraftedByTheHeartbeat() {
    TopicMesh mesh = joined(5, new Random(22)); // every known peer is in the mesh
    NodeId slow = mesh.meshPeers().get(0);
    MeshAction.SendPrune prune = mesh.markSlow(slow, T0);
    assertEquals(PruneReason.SLOW_PEER, prune.reason());
    assertEquals(slow, prune.peer());
    assertEquals(SETTINGS.pruneBackoffMillis(), prune.message().backoffMillis());
    assertFalse(mesh.meshPeers().contains(slow));
    assertTrue(mesh.inBackoff(slow, T0 + 1));
    assertEquals(1, mesh.snapshot(T0).slowPeersPruned());
    // Below D_low now (4 is D_low, so go lower) and the slow peer is still not taken back.
    mesh.peerDisconnected(mesh.meshPeers().get(0));
    HeartbeatResult hb = mesh.heartbeat(T0 + HEARTBEAT, new Random(22));
    assertTrue(hb.grafts().stream().noneMatch(g -> g.peer().equals(slow)));
    assertInstanceOf(GraftDecision.Refused.class, mesh.onGraft(contact(slow), T0 + 2 * HEARTBEAT));
  }

  @Test
  void slowPeerOutsideTheMeshYieldsNoPrune() {
    TopicMesh mesh = joined(20, new Random(23));
    NodeId outsider = mesh.knownPeers().stream().filter(p -> !mesh.meshPeers().contains(p)).findFirst().get();
    assertNull(mesh.markSlow(outsider, T0));
  }

  // ------------------------------------------------------------------------------------------ peers leaving

  @Test
  void disconnectedPeerLeavesTheMesh() {
    TopicMesh mesh = joined(20, new Random(24));
    NodeId peer = mesh.meshPeers().get(0);
    assertTrue(mesh.peerDisconnected(peer), "reported as a mesh peer");
    assertFalse(mesh.meshPeers().contains(peer));
    assertFalse(mesh.knownPeers().contains(peer));
  }

  @Test
  void disconnectedFanoutPeerLeavesTheFanout() {
    TopicMesh mesh = meshKnowing(20);
    NodeId peer = mesh.publishTargets(T0, new Random(24), null).get(0);
    assertFalse(mesh.peerDisconnected(peer), "not a mesh peer");
    assertFalse(mesh.fanoutPeers().contains(peer));
  }

  @Test
  void aReconnectDoesNotResetTheBackoff() {
    TopicMesh mesh = joined(20, new Random(24));
    NodeId peer = mesh.meshPeers().get(0);
    mesh.onPrune(peer, 30_000, List.of(), T0);
    mesh.peerDisconnected(peer);
    mesh.peerSubscribed(contact(peer));
    assertTrue(mesh.inBackoff(peer, T0 + 1));
    assertInstanceOf(GraftDecision.Refused.class, mesh.onGraft(contact(peer), T0 + 1));
  }

  @Test
  void readinessFollowsTheMeshReachingDLow() {
    TopicMesh mesh = meshKnowing(5);
    mesh.join(T0, new Random(25));
    assertTrue(mesh.isReady());
    List<NodeId> pruners = mesh.meshPeers().subList(0, 2);
    for (NodeId pruner : List.copyOf(pruners)) {
      mesh.onPrune(pruner, 60_000, List.of(), T0);
    }
    assertFalse(mesh.isReady(), "3 in the mesh while 5 are known: below D_low");
    mesh.peerSubscribed(contact(77));
    mesh.heartbeat(T0 + HEARTBEAT, new Random(25));
    assertTrue(mesh.isReady(), "the heartbeat grafted the newcomer: 4 = D_low");
    assertTrue(mesh.snapshot(T0).ready());
  }

  // ------------------------------------------------------------------------------------------ determinism

  @Test
  void sameSeedSameDecisions() {
    assertEquals(script(42), script(42));
    assertNotEquals(script(42), script(43), "the seed does steer the choices");
  }

  /** A scripted run; its transcript lists every decision in order. */
  private static List<String> script(long seed) {
    Random random = new Random(seed);
    List<String> log = new ArrayList<>();
    TopicMesh mesh = meshKnowing(25);
    log.add("fanout " + mesh.publishTargets(T0, random, null));
    log.add("join " + mesh.join(T0 + 1, random));
    for (int i = 26; i <= 40; i++) {
      mesh.onGraft(contact(i), T0 + 2);
    }
    long now = T0;
    for (int beat = 1; beat <= 20; beat++) {
      now += HEARTBEAT;
      if (beat % 5 == 0) {
        mesh.peerDisconnected(mesh.meshPeers().get(0));
      }
      HeartbeatResult hb = mesh.heartbeat(now, random);
      log.add(hb.actions().toString());
    }
    log.add("leave " + mesh.leave(now, random));
    return log;
  }
}
