package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicmesh.pubsub.Peers.contact;
import static org.quicmesh.pubsub.Peers.id;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.GossipMessage;
import org.quicmesh.wire.Graft;
import org.quicmesh.wire.Prune;

/**
 * Thirty nodes, each with its own {@link TopicMesh}, exchange the grafts and prunes their decisions produce (delivered
 * before the next node's heartbeat, as on a network much faster than the 1 s heartbeat) while nodes join and leave
 * the topic at random.
 */
class MeshChurnTest {
  private static final PubSubSettings SETTINGS = PubSubSettings.defaults();
  private static final int NODES = 30;
  private static final long HEARTBEAT = SETTINGS.heartbeatMillis();

  private record Envelope(int from, int to, GossipMessage message) {}

  private final TopicMesh[] meshes = new TopicMesh[NODES + 1];
  private final Deque<Envelope> inflight = new ArrayDeque<>();
  private long now = 1_000_000;

  private static int index(NodeId id) {
    return id.byteAt(30) << 8 | id.byteAt(31);
  }

  private void send(int from, List<? extends MeshAction> actions) {
    for (MeshAction a : actions) {
      GossipMessage m = null; // SendGossip: IHave content is the message cache's business
      if (a instanceof MeshAction.SendGraft g) {
        m = g.message();
      } else if (a instanceof MeshAction.SendPrune p) {
        m = p.message();
      }
      if (m != null) {
        inflight.add(new Envelope(from, index(a.peer()), m));
      }
    }
  }

  private void deliver() {
    while (!inflight.isEmpty()) {
      Envelope e = inflight.poll();
      TopicMesh to = meshes[e.to()];
      if (e.message() instanceof Graft) {
        if (to.onGraft(contact(e.from()), now) instanceof GraftDecision.Refused r) {
          send(e.to(), List.of(r.prune()));
        }
      } else if (e.message() instanceof Prune p) {
        to.onPrune(id(e.from()), p.backoffMillis(), p.peerExchange(), now);
      }
    }
  }

  private void join(int node, Random random) {
    for (int j = 1; j <= NODES; j++) {
      if (j != node) {
        meshes[j].peerSubscribed(contact(node)); // the Subscribe announcement
      }
    }
    send(node, meshes[node].join(now, random));
    deliver();
  }

  private void leave(int node, Random random) {
    send(node, meshes[node].leave(now, random));
    deliver();
    for (int j = 1; j <= NODES; j++) {
      if (j != node) {
        meshes[j].peerUnsubscribed(id(node));
      }
    }
  }

  private List<Integer> subscribers() {
    List<Integer> out = new ArrayList<>();
    for (int i = 1; i <= NODES; i++) {
      if (meshes[i].isSubscribed()) {
        out.add(i);
      }
    }
    return out;
  }

  @Test
  void meshDegreeStaysWithinBoundsAndSymmetricThroughJoinsAndLeaves() {
    Random random = new Random(2024);
    for (int i = 1; i <= NODES; i++) {
      meshes[i] = new TopicMesh("churn", id(i), SETTINGS);
    }
    for (int i = 1; i <= 20; i++) {
      join(i, random);
    }
    int churnTicks = 400;
    // Long enough for every prune backoff (60 s) and its slack to run out.
    int settleTicks = 70;
    int joins = 0;
    int leaves = 0;
    int belowLow = 0;
    int measured = 0;
    int limitedByBackoff = 0;
    for (int tick = 0; tick < churnTicks + settleTicks; tick++) {
      now += HEARTBEAT;
      if (tick < churnTicks) {
        // One join or leave per tick on average, keeping 12..30 subscribers.
        int node = 1 + random.nextInt(NODES);
        int count = subscribers().size();
        if (meshes[node].isSubscribed() && count > 12) {
          leave(node, random);
          leaves++;
        } else if (!meshes[node].isSubscribed()) {
          join(node, random);
          joins++;
        }
      }
      List<Integer> order = subscribers();
      Collections.shuffle(order, random);
      for (int node : order) {
        int reachable = meshes[node].meshSize() + meshes[node].graftablePeers(now);
        HeartbeatResult hb = meshes[node].heartbeat(now, random);
        send(node, hb.actions());
        int size = meshes[node].meshSize();
        // Only backoffs may keep a mesh below D_low: the heartbeat grafts every peer it is allowed to, up to D.
        assertTrue(size >= Math.min(SETTINGS.dLow(), reachable) && size <= SETTINGS.dHigh(),
            "node " + node + " mesh " + size + " out of bounds right after its heartbeat at tick " + tick);
        if (size < SETTINGS.dLow()) {
          limitedByBackoff++;
        }
        deliver();
      }
      for (int node : subscribers()) {
        int size = meshes[node].meshSize();
        assertTrue(size <= SETTINGS.dHigh(), "node " + node + " mesh " + size + " > D_high at tick " + tick);
        measured++;
        if (size < SETTINGS.dLow()) {
          belowLow++;
        }
        for (NodeId peer : meshes[node].meshPeers()) {
          assertTrue(meshes[index(peer)].meshPeers().contains(id(node)),
              "mesh links are symmetric: " + node + " -> " + index(peer) + " at tick " + tick);
        }
      }
      if (tick >= churnTicks + 63) {
        for (int node : subscribers()) {
          int size = meshes[node].meshSize();
          assertTrue(size >= SETTINGS.dLow() && size <= SETTINGS.dHigh(),
              "settled node " + node + " has mesh " + size + " at tick " + tick);
        }
      }
    }
    System.out.printf("churn: %d joins, %d leaves; %d of %d node-ticks below D_low at tick end, %d heartbeats left"
        + " below D_low by backoffs%n", joins, leaves, belowLow, measured, limitedByBackoff);
    assertTrue(joins > 50 && leaves > 50, "the run really churned");
    // Between two of its heartbeats a node may dip below D_low (another node's prune, a leave): its next heartbeat
    // repairs it, as the in-loop check shows; the dips are rare.
    assertTrue(belowLow * 100 < measured, "below D_low at the end of a tick in under 1 % of node-ticks");
  }
}
