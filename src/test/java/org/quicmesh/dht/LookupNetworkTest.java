package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/** Lookups over a synthetic 1,000-node network in virtual time (k = 20, alpha = 3, RTT 20-200 ms). */
class LookupNetworkTest {
  private static final int N = 1000;
  private static final int K = 20;
  private static final int ALPHA = 3;
  private static final int TARGETS = 200;

  private static SyntheticNetwork net;

  @BeforeAll
  static void build() {
    net = SyntheticNetwork.random(N, K, new Random(42));
  }

  private record Measured(double accuracyMean, int roundsP50, int roundsMax, double messagesMean, long latencyP50,
      long latencyMax, boolean allFinished, int maxHolding, boolean anyDuplicate, boolean anyToSelf) {}

  private static Measured measure(Set<NodeId> silent, long seed) {
    return measure(silent, seed, LookupTuning.DEFAULT);
  }

  private static Measured measure(Set<NodeId> silent, long seed, LookupTuning tuning) {
    Random rnd = new Random(seed);
    SyntheticNetwork.Behaviour behaviour = SyntheticNetwork.Behaviour.healthy().withSilent(silent);
    List<Contact> live = net.nodes.stream().filter(c -> !silent.contains(c.id())).toList();
    double accuracySum = 0;
    long messages = 0;
    List<Integer> rounds = new ArrayList<>();
    List<Long> latencies = new ArrayList<>();
    boolean allFinished = true;
    int maxHolding = 0;
    boolean duplicate = false;
    boolean toSelf = false;
    for (int i = 0; i < TARGETS; i++) {
      byte[] t = new byte[32];
      rnd.nextBytes(t);
      NodeId target = NodeId.of(t);
      Contact self = live.get(rnd.nextInt(live.size()));
      LookupState lookup = new LookupState(target, K, ALPHA, net.closestKnown(self.id(), target, K), self.id(),
          id -> 0, null, tuning);
      SyntheticNetwork.Run run = net.drive(lookup, self.id(), behaviour, rnd);
      Set<NodeId> excluded = new HashSet<>(silent);
      excluded.add(self.id());
      Set<NodeId> truth = new HashSet<>(net.trueClosest(target, K, excluded));
      long hits = run.result().closest().stream().filter(c -> truth.contains(c.id())).count();
      accuracySum += (double) hits / K;
      messages += run.result().stats().messagesSent();
      rounds.add(run.result().stats().rounds());
      latencies.add(run.virtualMillis());
      allFinished &= run.finished();
      maxHolding = Math.max(maxHolding, run.maxHoldingSlots());
      duplicate |= run.duplicateSend();
      toSelf |= run.sentToSelf();
    }
    Collections.sort(rounds);
    Collections.sort(latencies);
    Measured m = new Measured(accuracySum / TARGETS, rounds.get(TARGETS / 2), rounds.get(TARGETS - 1),
        (double) messages / TARGETS, latencies.get(TARGETS / 2), latencies.get(TARGETS - 1), allFinished, maxHolding,
        duplicate, toSelf);
    System.out.println("lookup sim silent=" + silent.size() + " burst=" + tuning.finalBurst() + ": " + m);
    return m;
  }

  @Test
  void lookupsConvergeToTheTrueKClosestInFewRounds() {
    Measured m = measure(Set.of(), 1);
    assertTrue(m.allFinished());
    assertTrue(m.accuracyMean() >= 0.98, "accuracy " + m.accuracyMean());
    assertTrue(m.roundsP50() <= 4, "rounds p50 " + m.roundsP50());
  }

  @Test
  void withoutTheBurstNeverMoreThanAlphaRequestsHoldASlotAndNobodyIsAskedTwice() {
    Measured m = measure(Set.of(), 2, LookupTuning.DEFAULT.withFinalBurst(false));
    assertTrue(m.maxHolding() <= ALPHA, "max in flight " + m.maxHolding());
    assertEquals(ALPHA, m.maxHolding(), "the slots are actually used");
    assertFalse(m.anyDuplicate());
    assertFalse(m.anyToSelf());
  }

  @Test
  void silentPeersDoNotStallLookupsAndAccuracyAmongLivePeersHolds() {
    Random rnd = new Random(3);
    List<Contact> shuffled = new ArrayList<>(net.nodes);
    Collections.shuffle(shuffled, rnd);
    Set<NodeId> silent = shuffled.subList(0, N * 3 / 10).stream().map(Contact::id).collect(Collectors.toSet());
    // With failures about, the Dht runs strict lookups (β = k): see Dht.STRICT_ABOVE_FAILURE_SIGNAL.
    Measured m = measure(silent, 4, LookupTuning.DEFAULT.withResiliency(K));
    assertTrue(m.allFinished(), "every lookup finished");
    assertTrue(m.latencyMax() < 3 * 5_000, "no lookup waits for per-RPC timeouts: " + m.latencyMax());
    assertTrue(m.maxHolding() <= K);
    assertTrue(m.accuracyMean() >= 0.9, "accuracy with 30% silent " + m.accuracyMean());
  }

  @Test
  void theFinalBurstCutsLatencyAndKeepsAccuracy() {
    Measured strict = measure(Set.of(), 6, LookupTuning.DEFAULT.withFinalBurst(false));
    Measured burst = measure(Set.of(), 6);
    assertTrue(burst.accuracyMean() >= 0.98, "accuracy " + burst.accuracyMean());
    assertTrue(burst.latencyP50() < strict.latencyP50(), burst.latencyP50() + " vs " + strict.latencyP50());
    assertTrue(burst.maxHolding() <= K);
  }

  @Test
  void theResiliencyRuleCutsLatencyAndKeepsAccuracy() {
    Measured strict = measure(Set.of(), 7, LookupTuning.DEFAULT.withResiliency(K));
    Measured beta = measure(Set.of(), 7);
    assertTrue(beta.accuracyMean() >= 0.98, "accuracy " + beta.accuracyMean());
    assertTrue(beta.latencyP50() < strict.latencyP50(), beta.latencyP50() + " vs " + strict.latencyP50());
  }

  @Test
  void findValueStopsAtTheFirstHolderAndNamesACacheTargetThatLacksIt() {
    Random rnd = new Random(5);
    byte[] value = {4, 2};
    for (int i = 0; i < 50; i++) {
      byte[] t = new byte[32];
      rnd.nextBytes(t);
      NodeId target = NodeId.of(t);
      Contact self = net.nodes.get(rnd.nextInt(N));
      // The value lives at the 3 nodes closest to the key, as after a Store to the closest nodes.
      Set<NodeId> holders = new HashSet<>(net.trueClosest(target, 3, Set.of(self.id())));
      LookupState lookup = LookupState.findValue(target, K, ALPHA, net.closestKnown(self.id(), target, K),
          self.id(), id -> 0, v -> Arrays.equals(v, value));
      SyntheticNetwork.Run run = net.drive(lookup, self.id(), SyntheticNetwork.Behaviour.healthy()
          .withValue(holders, value), rnd);
      LookupResult r = run.result();
      assertTrue(run.finished());
      assertTrue(holders.contains(r.found().orElseThrow().from().id()));
      r.cacheAt().ifPresent(c -> assertFalse(holders.contains(c.id())));
      // A value found from our own table's first answers needs no cache target; otherwise one answered without it.
      assertTrue(r.cacheAt().isPresent() || r.stats().answered() == 1);
    }
  }
}
