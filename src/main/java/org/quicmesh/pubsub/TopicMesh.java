package org.quicmesh.pubsub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Graft;
import org.quicmesh.wire.Limits;
import org.quicmesh.wire.Prune;

/**
 * The local node's GossipSub state for one topic (gossipsub v1.0 mesh and fanout, v1.1 prune backoff, peer exchange,
 * flood publishing and adaptive gossip; measured round-trip time where v1.1 uses peer scores, see
 * {@link LatencyRanking}): which peers are subscribed, which of them form our mesh, the fanout used to publish without
 * subscribing, and the backoffs that keep two peers from regrafting right after a prune.
 *
 * <p>Every method is synchronous and returns decisions ({@link MeshAction}s) that the topic actor turns into wire
 * messages; time comes in as {@code nowMillis} and randomness as a {@link Random}, so a seed reproduces every choice
 * (all collections keep insertion order). Not thread-safe: one actor owns it.
 *
 * <p>Memory is bounded by the peers the node is connected to: known peers, mesh and fanout hold only peers that
 * announced the topic over a live connection, and backoffs are dropped by the heartbeat once they expire.
 */
final class TopicMesh {
  private final String topic;
  private final NodeId self;
  private final PubSubSettings settings;
  private final Graft graftMessage;

  /** Peers subscribed to the topic, with the contact we give out in peer exchange. */
  private final Map<NodeId, Contact> known = new LinkedHashMap<>();
  private final Set<NodeId> mesh = new LinkedHashSet<>();
  private final Set<NodeId> fanout = new LinkedHashSet<>();
  /** Backoff expiry per peer; kept across disconnects so a reconnect does not reset it. */
  private final Map<NodeId, Long> backoffUntil = new LinkedHashMap<>();
  private final LatencyRanking latency;

  private boolean subscribed;
  private boolean fanoutActive;
  private long fanoutLastPublish = -1;

  private long graftsSent;
  private long prunesSent;
  private long graftsAccepted;
  private long graftsRefused;
  private long prunesReceived;
  private long slowPeersPruned;
  private long opportunisticGrafts;
  private long heartbeats;

  /**
   * @param topic the topic (validated like a wire topic)
   * @param self the local node, never treated as a peer
   * @param settings degrees, backoffs and TTLs
   */
  public TopicMesh(String topic, NodeId self, PubSubSettings settings) {
    this.graftMessage = new Graft(topic); // validates the topic up front
    this.topic = topic;
    this.self = Objects.requireNonNull(self, "self");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.latency = new LatencyRanking(settings.d(), settings.dFast());
  }

  public String topic() {
    return topic;
  }

  public boolean isSubscribed() {
    return subscribed;
  }

  // ---------------------------------------------------------------------------------------------- subscription

  /**
   * We subscribe: the mesh is seeded from the fanout peers (if we published here before), then random known peers,
   * up to D, skipping peers in backoff. The fanout is dropped. Calling it while subscribed does nothing.
   *
   * @return the grafts to send (one per new mesh peer)
   */
  public List<MeshAction.SendGraft> join(long nowMillis, Random random) {
    if (subscribed) {
      return List.of();
    }
    subscribed = true;
    List<MeshAction.SendGraft> grafts = new ArrayList<>();
    for (NodeId peer : fanout) {
      if (mesh.size() >= settings.d()) {
        break;
      }
      if (!mayGraft(peer, nowMillis)) {
        continue;
      }
      mesh.add(peer);
      grafts.add(graft(peer));
    }
    clearFanout();
    graftNew(settings.d() - mesh.size(), nowMillis, random, grafts);
    return grafts;
  }

  /**
   * We unsubscribe: every mesh peer is pruned with the unsubscribe backoff and peer exchange (the other mesh peers),
   * and we back off from each for the same time.
   *
   * @return the prunes to send
   */
  public List<MeshAction.SendPrune> leave(long nowMillis, Random random) {
    if (!subscribed) {
      return List.of();
    }
    subscribed = false;
    List<NodeId> former = new ArrayList<>(mesh);
    mesh.clear();
    List<MeshAction.SendPrune> prunes = new ArrayList<>(former.size());
    for (NodeId peer : former) {
      prunes.add(prune(peer, peerExchange(former, peer, random), settings.unsubscribeBackoffMillis(),
          PruneReason.LEAVE, nowMillis));
    }
    return prunes;
  }

  /** A peer announced (or re-announced, possibly from a new address) a subscription to the topic. */
  public void peerSubscribed(Contact peer) {
    if (!peer.id().equals(self)) {
      known.put(peer.id(), peer);
    }
  }

  /**
   * A peer announced it left the topic: it is no longer a candidate and leaves mesh and fanout.
   *
   * @return whether it was in our mesh
   */
  public boolean peerUnsubscribed(NodeId peer) {
    return forget(peer);
  }

  /**
   * The connection to a peer is gone: same as an unsubscribe, except that its backoff is kept.
   *
   * @return whether it was in our mesh
   */
  public boolean peerDisconnected(NodeId peer) {
    latency.forget(peer);
    return forget(peer);
  }

  /** The router measured the round-trip time to a connected peer: mesh choices prefer low ones (see d-fast). */
  public void peerRtt(NodeId peer, double millis) {
    if (!peer.equals(self) && millis >= 0) {
      latency.update(peer, millis);
    }
  }

  private boolean forget(NodeId peer) {
    known.remove(peer);
    fanout.remove(peer);
    return mesh.remove(peer);
  }

  // ---------------------------------------------------------------------------------------------- control messages

  /**
   * A peer grafted us. Accepted (the peer joins our mesh, even above D_high: the heartbeat trims, as in v1.1) unless
   * we are not subscribed, or the peer is in backoff: then it gets a Prune without peer exchange, and a backoff
   * violation refreshes the backoff to a full prune backoff from now (the spec's penalty for early regrafts).
   * A grafting peer is subscribed to the topic by definition, so it becomes known.
   */
  public GraftDecision onGraft(Contact peer, long nowMillis) {
    NodeId id = peer.id();
    if (id.equals(self)) {
      throw new IllegalArgumentException("a node cannot graft itself");
    }
    known.put(id, peer);
    if (!subscribed) {
      graftsRefused++;
      return new GraftDecision.Refused(
          prune(id, List.of(), settings.pruneBackoffMillis(), PruneReason.NOT_SUBSCRIBED, -1));
    }
    if (inBackoff(id, nowMillis)) {
      graftsRefused++;
      mesh.remove(id);
      // prune() records the refreshed backoff.
      return new GraftDecision.Refused(
          prune(id, List.of(), settings.pruneBackoffMillis(), PruneReason.GRAFT_IN_BACKOFF, nowMillis));
    }
    if (mesh.add(id)) {
      graftsAccepted++;
    }
    return new GraftDecision.Accepted(id);
  }

  /**
   * A peer pruned us: it leaves our mesh and we do not graft it again for its backoff ({@code backoffMillis}; 0 means
   * the default prune backoff; never shortening a running one).
   *
   * @return peer-exchange contacts worth connecting to (only when subscribed): not us, not the pruner, not already
   *     known, and only as many as the mesh lacks to reach D beyond the known peers it may graft (at most
   *     {@code prune-peers}). A node with peers to spare opens no new connections: on 50 QUIC nodes every
   *     oversubscription prune used to add a handful, 5 new connections per node in 10 s of publishing.
   */
  public List<Contact> onPrune(NodeId peer, long backoffMillis, List<Contact> peerExchange, long nowMillis) {
    prunesReceived++;
    mesh.remove(peer);
    long backoff = backoffMillis > 0 ? Math.min(backoffMillis, Limits.MAX_BACKOFF_MILLIS)
        : settings.pruneBackoffMillis();
    extendBackoff(peer, nowMillis + backoff);
    if (!subscribed || peerExchange == null) {
      return List.of();
    }
    int wanted = Math.min(settings.prunePeers(), settings.d() - mesh.size() - graftablePeers(nowMillis));
    Map<NodeId, Contact> candidates = new LinkedHashMap<>();
    for (Contact c : peerExchange) {
      if (candidates.size() >= wanted) {
        break;
      }
      NodeId id = c.id();
      if (!id.equals(self) && !id.equals(peer) && !known.containsKey(id)) {
        candidates.putIfAbsent(id, c);
      }
    }
    return List.copyOf(candidates.values());
  }

  /**
   * A peer's outbound queue is full: rather than let the queue grow, the peer leaves the mesh and the fanout and gets
   * a prune backoff (so the heartbeat does not graft it straight back, and fanout refills prefer other peers).
   *
   * @return the prune decision when the peer was in the mesh (the actor may send it, and reports it), else null (the
   *     backoff is recorded all the same)
   */
  public MeshAction.SendPrune markSlow(NodeId peer, long nowMillis) {
    fanout.remove(peer);
    if (!mesh.remove(peer)) {
      extendBackoff(peer, nowMillis + settings.pruneBackoffMillis());
      return null;
    }
    slowPeersPruned++;
    return prune(peer, List.of(), settings.pruneBackoffMillis(), PruneReason.SLOW_PEER, nowMillis);
  }

  // ---------------------------------------------------------------------------------------------- heartbeat

  /**
   * Periodic maintenance (every {@code heartbeat}): drop expired backoffs; when subscribed graft up to D below D_low
   * (d-fast of them the lowest-RTT candidates, the rest random), prune down to D above D_high (keeping the d-fast
   * lowest-RTT peers and random others; with peer exchange and backoff), and every {@code opportunistic-graft-ticks}
   * graft a few candidates faster than the mesh median; otherwise expire or refill the fanout; choose the gossip
   * targets: max(D_lazy, gossip-factor x eligible) random subscribed peers outside the mesh (or fanout).
   */
  public HeartbeatResult heartbeat(long nowMillis, Random random) {
    heartbeats++;
    backoffUntil.values().removeIf(until -> until + backoffSlackMillis() <= nowMillis);
    List<MeshAction.SendGraft> grafts = new ArrayList<>();
    List<MeshAction.SendPrune> prunes = new ArrayList<>();
    List<NodeId> fanoutAdded = new ArrayList<>();
    boolean fanoutExpired = false;
    Set<NodeId> pushPeers;
    if (subscribed) {
      if (mesh.size() < settings.dLow()) {
        graftNew(settings.d() - mesh.size(), nowMillis, random, grafts);
      } else if (mesh.size() > settings.dHigh()) {
        // Round-trip time stands in for the spec's peer score: the fastest are kept, the rest of D is random.
        List<NodeId> keep = latency.choose(new ArrayList<>(mesh), settings.d(), random);
        for (NodeId peer : new ArrayList<>(mesh)) {
          if (!keep.contains(peer)) {
            mesh.remove(peer);
            prunes.add(prune(peer, peerExchange(keep, peer, random), settings.pruneBackoffMillis(),
                PruneReason.OVERSUBSCRIBED, nowMillis));
          }
        }
      } else if (settings.opportunisticGraftTicks() > 0 && heartbeats % settings.opportunisticGraftTicks() == 0) {
        graftFasterThanMedian(nowMillis, grafts);
      }
      pushPeers = mesh;
    } else if (fanoutActive) {
      if (fanoutLastPublish + settings.fanoutTtlMillis() <= nowMillis) {
        clearFanout();
        fanoutExpired = true;
      } else if (fanout.size() < settings.d()) {
        fanoutAdded.addAll(fillFanout(nowMillis, random));
      }
      pushPeers = fanout;
    } else {
      pushPeers = Set.of();
    }
    List<MeshAction.SendGossip> gossip = new ArrayList<>();
    if (subscribed || fanoutActive) {
      List<NodeId> eligible = new ArrayList<>();
      for (NodeId peer : known.keySet()) {
        if (!pushPeers.contains(peer)) {
          eligible.add(peer);
        }
      }
      int target = Math.max(settings.dLazy(), (int) (settings.gossipFactor() * eligible.size()));
      for (NodeId peer : sample(eligible, target, random)) {
        gossip.add(new MeshAction.SendGossip(peer));
      }
    }
    return new HeartbeatResult(grafts, prunes, gossip, fanoutAdded, fanoutExpired);
  }

  // ---------------------------------------------------------------------------------------------- publishing

  /**
   * Where a message we publish goes: the mesh when subscribed (or, while the mesh is still empty, up to D random
   * known peers, so an early publish is not lost), else the fanout, created with D random known peers on the first
   * publish (peers not in backoff first) and refreshed in its publish time. {@code fromPeerOrNull} is excluded.
   *
   * @return target peers; empty when no peer is known for the topic (the caller fails the publish)
   */
  public List<NodeId> publishTargets(long nowMillis, Random random, NodeId fromPeerOrNull) {
    Collection<NodeId> targets;
    if (subscribed) {
      if (settings.floodPublish()) {
        targets = floodTargets(random);
      } else {
        targets = mesh.isEmpty() ? sample(new ArrayList<>(known.keySet()), settings.d(), random) : mesh;
      }
    } else {
      fanoutActive = true;
      if (fanout.isEmpty()) {
        fillFanout(nowMillis, random);
      }
      fanoutLastPublish = nowMillis;
      targets = fanout;
    }
    return without(targets, fromPeerOrNull);
  }

  /**
   * Flood publishing's targets: every known subscriber, or with {@code flood-publish-max-peers} the mesh and random
   * other subscribers up to that many. At 20 nodes a flood reached every node straight from the origin and every
   * mesh forward after it was a duplicate: 3.35 duplicates per delivery against 2.78 without flooding.
   */
  private Collection<NodeId> floodTargets(Random random) {
    int max = settings.floodPublishMaxPeers();
    if (max == 0 || known.size() <= max) {
      return known.keySet();
    }
    List<NodeId> targets = new ArrayList<>(mesh);
    List<NodeId> others = new ArrayList<>();
    for (NodeId peer : known.keySet()) {
      if (!mesh.contains(peer)) {
        others.add(peer);
      }
    }
    targets.addAll(sample(others, Math.max(0, max - targets.size()), random));
    return targets;
  }

  /**
   * Where a message from {@code origin}, received from {@code fromPeer}, is forwarded: our mesh minus the sender and
   * the origin, which has it (empty if unsubscribed). With flood publishing the origin is in many of its receivers'
   * meshes, and each of their forwards to it was a duplicate.
   */
  public List<NodeId> forwardTargets(NodeId fromPeer, NodeId origin) {
    List<NodeId> out = without(mesh, fromPeer);
    out.remove(origin);
    return out;
  }

  // ---------------------------------------------------------------------------------------------- queries

  public PubSubSettings settings() {
    return settings;
  }

  public boolean isMeshPeer(NodeId peer) {
    return mesh.contains(peer);
  }

  /** The median measured round-trip time to the mesh peers, or -1 when none is measured. */
  public double meshRttMedianMillis() {
    return latency.median(mesh);
  }

  public int meshSize() {
    return mesh.size();
  }

  /**
   * The readiness signal: subscribed and the mesh has reached D_low, or, in a group smaller than that, holds every
   * subscribed peer we know (at least one): a 3-node group can never reach D_low = 4 but is as ready as it gets.
   */
  public boolean isReady() {
    return subscribed && !mesh.isEmpty() && mesh.size() >= Math.min(settings.dLow(), known.size());
  }

  public List<NodeId> meshPeers() {
    return List.copyOf(mesh);
  }

  public List<NodeId> fanoutPeers() {
    return List.copyOf(fanout);
  }

  /** Peers known to be subscribed to the topic. */
  public List<NodeId> knownPeers() {
    return List.copyOf(known.keySet());
  }

  /** The contact of a known peer, or null. */
  public Contact contactOf(NodeId peer) {
    return known.get(peer);
  }

  /** When the backoff towards {@code peer} expires, if one is recorded. */
  public OptionalLong backoffExpiry(NodeId peer) {
    Long until = backoffUntil.get(peer);
    return until == null ? OptionalLong.empty() : OptionalLong.of(until);
  }

  /**
   * Known peers outside the mesh that a heartbeat at {@code nowMillis} may graft (backoff and its slack over): when
   * the mesh stays below D_low, this says whether backoffs are the reason.
   */
  public int graftablePeers(long nowMillis) {
    return graftCandidates(nowMillis).size();
  }

  /** Whether {@code peer} is in backoff at {@code nowMillis} (its grafts are refused). */
  public boolean inBackoff(NodeId peer, long nowMillis) {
    Long until = backoffUntil.get(peer);
    return until != null && nowMillis < until;
  }

  public MeshSnapshot snapshot(long nowMillis) {
    int backingOff = 0;
    for (long until : backoffUntil.values()) {
      if (nowMillis < until) {
        backingOff++;
      }
    }
    return new MeshSnapshot(topic, subscribed, isReady(), known.size(), List.copyOf(mesh), List.copyOf(fanout),
        fanoutActive ? fanoutLastPublish : -1, backingOff, graftsSent, prunesSent, graftsAccepted, graftsRefused,
        prunesReceived, slowPeersPruned, opportunisticGrafts);
  }

  // ---------------------------------------------------------------------------------------------- internals

  /**
   * Our own grafts wait a little past the backoff: the remote side starts its copy of the backoff when the prune
   * arrives, later than ours, and would refuse (and refresh) a graft sent the instant ours expires.
   */
  private long backoffSlackMillis() {
    return 2 * settings.heartbeatMillis();
  }

  private boolean mayGraft(NodeId peer, long nowMillis) {
    Long until = backoffUntil.get(peer);
    return until == null || until + backoffSlackMillis() <= nowMillis;
  }

  /** Grafts {@code count} candidates chosen by {@link #choose} into the mesh. */
  private void graftNew(int count, long nowMillis, Random random, List<MeshAction.SendGraft> grafts) {
    for (NodeId peer : latency.choose(graftCandidates(nowMillis), count, random)) {
      mesh.add(peer);
      grafts.add(graft(peer));
    }
  }

  /**
   * Opportunistic grafting by latency: up to {@code opportunistic-graft-peers} candidates whose round-trip time is
   * below the median of the mesh's measured ones (fastest first). The mesh may then exceed D until trimming keeps the
   * fastest; a mesh of fast links makes the first copy of a message travel close to the best path.
   */
  private void graftFasterThanMedian(long nowMillis, List<MeshAction.SendGraft> grafts) {
    double median = meshRttMedianMillis();
    if (median < 0) {
      return;
    }
    List<NodeId> faster = new ArrayList<>();
    for (NodeId peer : latency.fastestFirst(graftCandidates(nowMillis))) {
      if (faster.size() >= settings.opportunisticGraftPeers() || latency.rttOf(peer) >= median) {
        break;
      }
      faster.add(peer);
    }
    for (NodeId peer : faster) {
      mesh.add(peer);
      grafts.add(graft(peer));
      opportunisticGrafts++;
    }
  }

  private List<NodeId> graftCandidates(long nowMillis) {
    List<NodeId> candidates = new ArrayList<>();
    for (NodeId peer : known.keySet()) {
      if (!mesh.contains(peer) && mayGraft(peer, nowMillis)) {
        candidates.add(peer);
      }
    }
    return candidates;
  }

  /** Adds random known peers to the fanout up to D, preferring peers not in backoff (a slow peer is one of them). */
  private List<NodeId> fillFanout(long nowMillis, Random random) {
    List<NodeId> preferred = new ArrayList<>();
    List<NodeId> others = new ArrayList<>();
    for (NodeId peer : known.keySet()) {
      if (!fanout.contains(peer)) {
        (inBackoff(peer, nowMillis) ? others : preferred).add(peer);
      }
    }
    List<NodeId> added = new ArrayList<>(sample(preferred, settings.d() - fanout.size(), random));
    added.addAll(sample(others, settings.d() - fanout.size() - added.size(), random));
    fanout.addAll(added);
    return added;
  }

  private void clearFanout() {
    fanout.clear();
    fanoutActive = false;
    fanoutLastPublish = -1;
  }

  private MeshAction.SendGraft graft(NodeId peer) {
    graftsSent++;
    return new MeshAction.SendGraft(peer, graftMessage);
  }

  /** Builds a prune and, unless {@code nowMillis < 0}, records the same backoff on our side (both sides back off). */
  private MeshAction.SendPrune prune(
      NodeId peer, List<Contact> px, long backoffMillis, PruneReason reason, long nowMillis) {
    prunesSent++;
    if (nowMillis >= 0) {
      extendBackoff(peer, nowMillis + backoffMillis);
    }
    return new MeshAction.SendPrune(peer, new Prune(topic, px, backoffMillis), reason);
  }

  /** Up to {@code prune-peers} random contacts of {@code pool} other than {@code pruned}. */
  private List<Contact> peerExchange(List<NodeId> pool, NodeId pruned, Random random) {
    List<NodeId> others = new ArrayList<>(pool.size());
    for (NodeId peer : pool) {
      if (!peer.equals(pruned) && known.containsKey(peer)) {
        others.add(peer);
      }
    }
    List<Contact> px = new ArrayList<>();
    for (NodeId peer : sample(others, settings.prunePeers(), random)) {
      px.add(known.get(peer));
    }
    return px;
  }

  private void extendBackoff(NodeId peer, long until) {
    backoffUntil.merge(peer, until, Math::max);
  }

  private static List<NodeId> without(Collection<NodeId> peers, NodeId excluded) {
    List<NodeId> out = new ArrayList<>(peers.size());
    for (NodeId peer : peers) {
      if (!peer.equals(excluded)) {
        out.add(peer);
      }
    }
    return out;
  }

  /** {@code n} distinct random elements of {@code from} (all of them, shuffled, when it has fewer); partial shuffle. */
  static <T> List<T> sample(List<T> from, int n, Random random) {
    if (n <= 0 || from.isEmpty()) {
      return List.of();
    }
    List<T> copy = new ArrayList<>(from);
    int take = Math.min(n, copy.size());
    for (int i = 0; i < take; i++) {
      int j = i + random.nextInt(copy.size() - i);
      T tmp = copy.get(i);
      copy.set(i, copy.get(j));
      copy.set(j, tmp);
    }
    return new ArrayList<>(copy.subList(0, take));
  }
}
