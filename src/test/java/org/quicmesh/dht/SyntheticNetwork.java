package org.quicmesh.dht;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/**
 * An in-memory Kademlia network for lookup tests: random ids, each node with a proper routing table (for every bucket
 * index, up to k random members of that bucket from the global set), answering FindNode with the k closest ids of its
 * own table. {@link #drive} runs one {@link LookupState} against it in virtual time with random RTTs.
 */
final class SyntheticNetwork {
  final List<Contact> nodes;
  final int k;
  private final Map<NodeId, List<Contact>> tables = new HashMap<>();

  private SyntheticNetwork(List<Contact> nodes, int k) {
    this.nodes = nodes;
    this.k = k;
  }

  static SyntheticNetwork random(int n, int k, Random rnd) {
    List<Contact> nodes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[NodeId.LENGTH];
      rnd.nextBytes(b);
      nodes.add(new Contact(NodeId.of(b), "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255) + ":4000"));
    }
    SyntheticNetwork net = new SyntheticNetwork(List.copyOf(nodes), k);
    for (Contact owner : nodes) {
      Map<Integer, List<Contact>> buckets = new HashMap<>();
      for (Contact other : nodes) {
        if (other != owner) {
          buckets.computeIfAbsent(owner.id().bucketIndex(other.id()), b -> new ArrayList<>()).add(other);
        }
      }
      List<Contact> table = new ArrayList<>();
      for (List<Contact> bucket : buckets.values()) {
        Collections.shuffle(bucket, rnd);
        table.addAll(bucket.subList(0, Math.min(k, bucket.size())));
      }
      net.tables.put(owner.id(), table);
    }
    return net;
  }

  /** The {@code count} contacts of {@code node}'s table closest to {@code target}. */
  List<Contact> closestKnown(NodeId node, NodeId target, int count) {
    return tables.get(node).stream().sorted(byDistance(target)).limit(count).toList();
  }

  /** The true {@code count} closest node ids to {@code target}, leaving out {@code excluded}. */
  List<NodeId> trueClosest(NodeId target, int count, Set<NodeId> excluded) {
    return nodes.stream().map(Contact::id).filter(id -> !excluded.contains(id))
        .sorted(target::compareDistance).limit(count).toList();
  }

  static Comparator<Contact> byDistance(NodeId target) {
    return (a, b) -> target.compareDistance(a.id(), b.id());
  }

  /** How the simulated peers behave during {@link #drive}. */
  record Behaviour(Set<NodeId> silent, Set<NodeId> valueHolders, byte[] value, int rttMinMs, int rttMaxMs,
      long slowAfterMs, long timeoutMs) {
    static Behaviour healthy() {
      return new Behaviour(Set.of(), Set.of(), null, 20, 200, 1_000, 5_000);
    }

    Behaviour withSilent(Set<NodeId> s) {
      return new Behaviour(s, valueHolders, value, rttMinMs, rttMaxMs, slowAfterMs, timeoutMs);
    }

    Behaviour withValue(Set<NodeId> holders, byte[] v) {
      return new Behaviour(silent, holders, v, rttMinMs, rttMaxMs, slowAfterMs, timeoutMs);
    }
  }

  /** What happened during one driven lookup, observed from outside the state machine. */
  record Run(LookupResult result, boolean finished, int maxHoldingSlots, boolean duplicateSend, boolean sentToSelf,
      long virtualMillis) {}

  private enum Kind { ANSWER, SLOW, TIMEOUT }

  private record Event(long at, long seq, Kind kind, Contact to) {}

  /** Runs {@code lookup} (started by {@code self}) to completion or until no event is left. */
  Run drive(LookupState lookup, NodeId self, Behaviour b, Random rnd) {
    PriorityQueue<Event> queue = new PriorityQueue<>(
        Comparator.comparingLong(Event::at).thenComparingLong(Event::seq));
    Set<NodeId> holdingSlot = new HashSet<>(); // sent, not yet answered, failed or soft-timed-out
    Set<NodeId> everSent = new HashSet<>();
    long[] seq = {0};
    int maxHolding = 0;
    boolean duplicate = false;
    boolean toSelf = false;
    long now = 0;
    while (true) {
      for (Contact c : lookup.next(now)) {
        duplicate |= !everSent.add(c.id());
        toSelf |= c.id().equals(self);
        holdingSlot.add(c.id());
        if (b.silent().contains(c.id())) {
          queue.add(new Event(now + b.slowAfterMs(), seq[0]++, Kind.SLOW, c));
          queue.add(new Event(now + b.timeoutMs(), seq[0]++, Kind.TIMEOUT, c));
        } else {
          long rtt = b.rttMinMs() + rnd.nextInt(b.rttMaxMs() - b.rttMinMs() + 1);
          queue.add(new Event(now + rtt, seq[0]++, Kind.ANSWER, c));
          if (rtt > b.slowAfterMs()) {
            queue.add(new Event(now + b.slowAfterMs(), seq[0]++, Kind.SLOW, c));
          }
        }
      }
      maxHolding = Math.max(maxHolding, holdingSlot.size());
      if (lookup.isFinished() || queue.isEmpty()) {
        break;
      }
      Event e = queue.poll();
      now = e.at();
      Contact c = e.to();
      switch (e.kind()) {
        case SLOW -> {
          if (holdingSlot.remove(c.id())) {
            lookup.onSlow(c, now);
          }
        }
        case TIMEOUT -> {
          holdingSlot.remove(c.id());
          lookup.onTimeout(c, now);
        }
        case ANSWER -> {
          holdingSlot.remove(c.id());
          if (b.valueHolders().contains(c.id())) {
            lookup.onValue(c, b.value(), now);
          } else {
            lookup.onResponse(c, closestKnown(c.id(), lookup.target(), k), now);
          }
        }
      }
    }
    return new Run(lookup.result(), lookup.isFinished(), maxHolding, duplicate, toSelf, now);
  }
}
