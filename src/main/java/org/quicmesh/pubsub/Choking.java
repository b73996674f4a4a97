package org.quicmesh.pubsub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quicmesh.identity.NodeId;

/**
 * Choking for one topic's mesh (see {@link ChokeSettings}): which mesh peers asked us to announce instead of push
 * ({@link #isChokedBy}), which ones we asked, and the per-window tally behind our decisions: how many first copies
 * each mesh peer delivered, and how often a choked peer's IHave announced a message before anyone delivered it.
 *
 * <p>A decision every {@code interval-ticks} heartbeats (once the window holds {@code min-messages} first copies)
 * chokes (at most {@code churn}, except in the topic's first decision) unchoked peers that delivered
 * less than {@code first-share} of the window's first copies, keeping {@code d-non-choke} unchoked (scaled down to
 * the share of first copies that did not come straight from their origin, at least 1), and unchokes
 * choked peers whose announcements came first at least that often; only peers that were in the mesh for the whole
 * window are judged. When the mesh loses unchoked peers, choked ones are unchoked at once. Plain logic, owned by the
 * topic actor.
 */
final class Choking {

  /** What a heartbeat decided: send each of these peers a Choke, resp. an Unchoke. */
  public record Decision(List<NodeId> choke, List<NodeId> unchoke) {
    static final Decision NONE = new Decision(List.of(), List.of());

    public Decision {
      choke = List.copyOf(choke);
      unchoke = List.copyOf(unchoke);
    }
  }

  private final ChokeSettings settings;
  private final Set<NodeId> chokedBy = new LinkedHashSet<>();
  private final Set<NodeId> choked = new LinkedHashSet<>();
  /** Per mesh peer in this window: {first copies delivered, announcements that came first}. */
  private final Map<NodeId, int[]> window = new LinkedHashMap<>();
  /** Mesh peers at the start of the window (the first one starts at the first heartbeat): the only ones judged. */
  private Set<NodeId> judged;
  /**
   * First copies in this window from anyone, mesh or not. Flood-published messages mostly come first straight from
   * their origin, outside the mesh: every mesh copy of them was late, so they count towards the shares too (counting
   * only mesh-delivered firsts left windows unfilled and mesh peers unchoked on loopback: 6 duplicates per delivery
   * at 50 QUIC nodes).
   */
  private int windowFirsts;
  /** Of {@link #windowFirsts}, those that came straight from their origin (its flood publish reached us). */
  private int windowFromOrigin;
  /** Unchoked mesh peers to keep: {@code d-non-choke}, fewer where origins' floods reach us first (see decide). */
  private int keepUnchoked;
  private long heartbeats;
  private long decisions;
  private long chokesSent;
  private long unchokesSent;

  public Choking(ChokeSettings settings) {
    this.settings = settings;
    this.keepUnchoked = settings.dNonChoke();
  }

  /** Whether {@code peer} choked us: forward it an IHave, not the message. */
  public boolean isChokedBy(NodeId peer) {
    return chokedBy.contains(peer);
  }

  /** A mesh peer sent Choke ({@code true}) or Unchoke. The caller checks that the peer is in the mesh. */
  public void chokedBy(NodeId peer, boolean choke) {
    if (choke) {
      chokedBy.add(peer);
    } else {
      chokedBy.remove(peer);
    }
  }

  /** Whether we choked {@code peer}. */
  public boolean hasChoked(NodeId peer) {
    return choked.contains(peer);
  }

  /**
   * The first copy of a message came from {@code peer} (pushed, or answered to our IWant); {@code fromOrigin}: the
   * peer is the message's origin.
   */
  public void firstCopyFrom(NodeId peer, boolean fromOrigin) {
    tally(peer)[0]++;
    windowFirsts++;
    if (fromOrigin) {
      windowFromOrigin++;
    }
  }

  /** A peer we choked announced {@code count} messages we had not seen: it would have been first. */
  public void announcedFirst(NodeId peer, int count) {
    if (choked.contains(peer)) {
      tally(peer)[1] += count;
    }
  }

  /** {@code peer} left the mesh: a choke lasts only as long as the mesh link. */
  public void forget(NodeId peer) {
    chokedBy.remove(peer);
    choked.remove(peer);
    window.remove(peer);
  }

  /**
   * The heartbeat, with the current mesh: forgets peers that left it, unchokes at once when fewer than
   * the peers it keeps unchoked are, and every {@code interval-ticks} heartbeats decides on the window.
   */
  public Decision heartbeat(Collection<NodeId> mesh) {
    Set<NodeId> inMesh = new HashSet<>(mesh);
    chokedBy.retainAll(inMesh);
    choked.retainAll(inMesh);
    window.keySet().retainAll(inMesh);
    if (!settings.enabled()) {
      return Decision.NONE;
    }
    heartbeats++;
    if (judged == null) {
      judged = Set.copyOf(inMesh);
    }
    List<NodeId> unchoke = new ArrayList<>();
    int deficit = keepUnchoked - (inMesh.size() - choked.size());
    if (deficit > 0) {
      choked.stream().sorted(byAnnouncedFirst()).limit(deficit).forEach(unchoke::add);
    }
    return conclude(inMesh, unchoke, heartbeats % settings.intervalTicks() == 0);
  }

  /**
   * The topic's first decision as soon as the window that began at its first heartbeat holds {@code min-messages}
   * first copies, not at the heartbeat after, where at least half of them came straight from their origins: there
   * the floods deliver and nearly every mesh push is a duplicate (on 20 QUIC nodes a fresh topic's first second went
   * out with a copy from each mesh peer). Where the mesh carries the first copies, 10 of them are too few to tell the
   * pushers apart (1,000 simulated nodes: p95 161 ms against 156 when deciding early there too), so the heartbeat
   * decides. NONE when it is not due, or was made.
   */
  public Decision firstDecision(Collection<NodeId> mesh) {
    return firstDecisionDue() ? conclude(new HashSet<>(mesh), new ArrayList<>(), true) : Decision.NONE;
  }

  /** Whether {@link #firstDecision} would decide now: cheap, so a topic asks before it copies its mesh. */
  public boolean firstDecisionDue() {
    return settings.enabled() && decisions == 0 && judged != null && windowFirsts >= settings.minMessages()
        && 2 * windowFromOrigin >= windowFirsts;
  }

  private Decision conclude(Set<NodeId> inMesh, List<NodeId> unchoke, boolean decideNow) {
    List<NodeId> choke = new ArrayList<>();
    if (decideNow && decide(inMesh, unchoke, choke, byAnnouncedFirst())) {
      decisions++;
      window.clear();
      windowFirsts = 0;
      windowFromOrigin = 0;
      judged = Set.copyOf(inMesh);
    }
    choked.removeAll(unchoke);
    choked.addAll(choke);
    unchokesSent += unchoke.size();
    chokesSent += choke.size();
    return unchoke.isEmpty() && choke.isEmpty() ? Decision.NONE : new Decision(choke, unchoke);
  }

  /** Decides on the window unless it holds too few first copies yet (a slow topic's window just goes on). */
  private boolean decide(Set<NodeId> mesh, List<NodeId> unchoke, List<NodeId> choke, Comparator<NodeId> byAnnounced) {
    int firsts = windowFirsts;
    if (firsts < settings.minMessages()) {
      return false;
    }
    double threshold = settings.firstShare() * firsts;
    // Where most first copies come straight from their origins (flood publishing in a topic small enough that every
    // origin knows us), the mesh only repairs what a flood missed: at 20 QUIC nodes d-non-choke = 3 pushers made 3.6
    // duplicates per delivery, 1 made 2.1. Pushers are kept for the share of first copies the mesh carried.
    keepUnchoked = Math.max(1, (int) Math.ceil(settings.dNonChoke() * (firsts - windowFromOrigin) / (double) firsts));
    for (NodeId peer : choked.stream().sorted(byAnnounced).toList()) {
      if (unchoke.size() >= settings.churn() || tally(peer)[1] < threshold) {
        break;
      }
      if (!unchoke.contains(peer)) {
        unchoke.add(peer);
      }
    }
    int unchoked = mesh.size() - choked.size() + unchoke.size();
    List<NodeId> candidates = new ArrayList<>();
    for (NodeId peer : mesh) {
      if (!choked.contains(peer) && judged.contains(peer)) {
        candidates.add(peer);
      }
    }
    candidates.sort(Comparator.comparingInt((NodeId p) -> tally(p)[0]));
    // The first decision of a topic chokes every late peer at once: at churn chokes a decision, a fresh mesh of 8
    // took three seconds to settle, and a short burst of messages went out with twice the duplicates.
    int chokes = chokesSent == 0 ? Integer.MAX_VALUE : settings.churn();
    for (NodeId peer : candidates) {
      if (choke.size() >= chokes || unchoked <= keepUnchoked || tally(peer)[0] >= threshold) {
        break;
      }
      choke.add(peer);
      unchoked--;
    }
    return true;
  }

  /** Peers we choke now. */
  public List<NodeId> chokedPeers() {
    return List.copyOf(choked);
  }

  /** Peers that choke us now. */
  public List<NodeId> chokingUs() {
    return List.copyOf(chokedBy);
  }

  public long chokesSent() {
    return chokesSent;
  }

  public long unchokesSent() {
    return unchokesSent;
  }

  private Comparator<NodeId> byAnnouncedFirst() {
    return Comparator.comparingInt((NodeId p) -> tally(p)[1]).reversed();
  }

  private int[] tally(NodeId peer) {
    return window.computeIfAbsent(peer, k -> new int[2]);
  }
}
