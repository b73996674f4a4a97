package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/** The lookup state machine driven by hand, with ids whose XOR distance to the all-zero target is their number. */
class LookupStateTest {
  private static final NodeId TARGET = NodeId.of(new byte[32]);
  private static final NodeId SELF = idWithFirstByte(0x7f);
  private static final ToIntFunction<NodeId> NO_TIERS = id -> 0;

  /** A contact at XOR distance n from the target. */
  private static Contact c(int n) {
    byte[] b = new byte[32];
    b[30] = (byte) (n >>> 8);
    b[31] = (byte) n;
    return new Contact(NodeId.of(b), "10.0." + (n >>> 8 & 255) + "." + (n & 255) + ":4000");
  }

  private static NodeId idWithFirstByte(int first) {
    byte[] b = new byte[32];
    b[0] = (byte) first;
    return NodeId.of(b);
  }

  private static List<Contact> cs(int... ns) {
    return Arrays.stream(ns).mapToObj(LookupStateTest::c).toList();
  }

  /** Strict termination (β = k) and no final burst: isolates the query mechanics. */
  private static final LookupTuning STRICT = new LookupTuning(2, 3, false, Integer.MAX_VALUE);

  private static LookupState findNode(int k, int alpha, List<Contact> initial) {
    return new LookupState(TARGET, k, alpha, initial, SELF, NO_TIERS, null, STRICT);
  }

  private static LookupState withBeta(int k, int alpha, int beta, List<Contact> initial) {
    return new LookupState(TARGET, k, alpha, initial, SELF, NO_TIERS, null,
        LookupTuning.DEFAULT.withFinalBurst(false).withResiliency(beta));
  }

  @Test
  void nextHandsOutAtMostAlphaRequestsClosestFirst() {
    LookupState s = findNode(20, 3, cs(9, 4, 7, 1, 5));
    assertEquals(cs(1, 4, 5), s.next(0));
    assertEquals(List.of(), s.next(1), "all alpha slots are taken");
    assertEquals(3, s.inFlight());
  }

  @Test
  void anAnswerFreesOneSlotWithoutWaitingForTheOthers() {
    LookupState s = findNode(20, 3, cs(1, 2, 3, 4, 5));
    s.next(0);
    s.onResponse(c(2), List.of(), 10);
    assertEquals(cs(4), s.next(10));
  }

  @Test
  void selfIsNeverQueriedEvenWhenNamedByAPeer() {
    Contact self = new Contact(SELF, "10.9.9.9:4000");
    LookupState s = findNode(20, 3, List.of(self, c(1)));
    assertEquals(cs(1), s.next(0));
    s.onResponse(c(1), List.of(self), 5);
    assertEquals(List.of(), s.next(5));
    assertTrue(s.isFinished());
    assertEquals(cs(1), s.result().closest());
  }

  @Test
  void onlyTheKClosestNonFailedCandidatesAreQueried() {
    LookupState s = findNode(2, 3, cs(1, 2, 3));
    assertEquals(cs(1, 2), s.next(0));
    s.onResponse(c(1), List.of(), 1);
    s.onResponse(c(2), List.of(), 2);
    assertTrue(s.isFinished());
    assertEquals(2, s.result().stats().messagesSent());
  }

  @Test
  void aFailedContactIsExcludedAndTheNextClosestTakesItsPlace() {
    LookupState s = findNode(2, 3, cs(1, 2, 3));
    s.next(0);
    s.onFailure(c(1), 1);
    assertEquals(cs(3), s.next(1));
    s.onResponse(c(2), List.of(), 2);
    s.onResponse(c(3), List.of(), 3);
    assertTrue(s.isFinished());
    assertEquals(cs(2, 3), s.result().closest());
    assertEquals(1, s.result().stats().failures());
  }

  @Test
  void aCloserContactLearnedLateIsQueriedBeforeTheLookupFinishes() {
    LookupState s = findNode(2, 1, cs(5, 6));
    assertEquals(cs(5), s.next(0));
    s.onResponse(c(5), List.of(), 1);
    assertEquals(cs(6), s.next(1));
    s.onResponse(c(6), cs(1), 2); // 1 is closer than both answered contacts
    assertFalse(s.isFinished(), "the k closest seen include the unqueried 1");
    assertEquals(cs(1), s.next(2));
    s.onResponse(c(1), List.of(), 3);
    assertTrue(s.isFinished());
    assertEquals(cs(1, 5), s.result().closest());
  }

  @Test
  void theLookupDoesNotFinishWhileACloserRequestIsStillPending() {
    LookupState s = findNode(2, 2, cs(1, 2));
    s.next(0);
    s.onResponse(c(2), List.of(), 1);
    assertFalse(s.isFinished());
    s.onResponse(c(1), List.of(), 2);
    assertTrue(s.isFinished());
  }

  @Test
  void aSlowPeerFreesItsSlotAndASilentPeerBlocksOnlyUntilItsTimeout() {
    LookupState s = findNode(2, 1, cs(1, 2));
    assertEquals(cs(1), s.next(0));
    s.onSlow(c(1), 1000);
    assertEquals(0, s.inFlight());
    assertEquals(cs(2), s.next(1000), "the freed slot goes to the next candidate");
    s.onResponse(c(2), List.of(), 1050);
    assertFalse(s.isFinished(), "1 is among the k closest and may still answer");
    s.onTimeout(c(1), 5000);
    assertTrue(s.isFinished());
    LookupStats stats = s.result().stats();
    assertEquals(cs(2), s.result().closest());
    assertEquals(1, stats.timeouts());
    assertEquals(1, stats.slow());
    assertEquals(5000, stats.elapsedMillis());
  }

  @Test
  void aLateAnswerAfterTheSoftTimeoutIsStillUsed() {
    LookupState s = findNode(3, 1, cs(4, 5));
    s.next(0);
    s.onSlow(c(4), 1000);
    assertEquals(cs(5), s.next(1000));
    s.onResponse(c(4), cs(1), 1500);
    assertEquals(1, s.inFlight(), "only 5 holds a slot: the late answer of 4 gave none back");
    assertEquals(List.of(), s.next(1500));
    s.onResponse(c(5), List.of(), 1600);
    assertEquals(cs(1), s.next(1600), "1, named in the late answer, is queried");
    s.onResponse(c(1), List.of(), 1700);
    assertTrue(s.isFinished());
    assertEquals(cs(1, 4, 5), s.result().closest());
  }

  @Test
  void secondHandContactsAreNeverReportedAsAnswered() {
    LookupState s = findNode(3, 3, cs(5));
    s.next(0);
    s.onResponse(c(5), cs(1, 2), 1);
    assertEquals(cs(5), s.result().answered(), "1 and 2 were only named, not heard from");
    assertEquals(cs(1, 2, 5), s.result().closest(), "the result is in distance order, heard-of contacts included");
    assertEquals(cs(1, 2), s.next(1));
    s.onTimeout(c(1), 2);
    s.onResponse(c(2), List.of(), 3);
    assertTrue(s.isFinished());
    assertEquals(cs(2, 5), s.result().answered());
    assertEquals(cs(2, 5), s.result().closest(), "the contact that timed out is left out");
  }

  @Test
  void theLookupFinishesOnceTheBetaClosestAnsweredAndListsTheRestAsHeardOf() {
    LookupState s = withBeta(20, 3, 3, cs(1, 2, 3, 4, 5, 6));
    assertEquals(cs(1, 2, 3), s.next(0));
    s.onResponse(c(1), List.of(), 1);
    s.onResponse(c(3), List.of(), 2);
    assertFalse(s.isFinished(), "2 is among the 3 closest and still in flight");
    s.onResponse(c(2), List.of(), 3);
    assertTrue(s.isFinished());
    assertEquals(cs(1, 2, 3), s.result().answered());
    assertEquals(cs(1, 2, 3, 4, 5, 6), s.result().closest());
    assertEquals(3, s.result().stats().messagesSent(), "4, 5 and 6 were never asked");
  }

  @Test
  void silentPeersDoNotStallTheLookup() {
    LookupState s = withBeta(4, 3, 3, cs(1, 2, 3, 4, 5));
    assertEquals(cs(1, 2, 3), s.next(0));
    s.onSlow(c(1), 300);
    assertEquals(cs(4), s.next(300));
    s.onResponse(c(2), List.of(), 310);
    s.onResponse(c(3), List.of(), 320);
    s.onResponse(c(4), List.of(), 400);
    assertEquals(cs(5), s.next(400), "after a silent peer every one of the k closest responsive must answer");
    s.onResponse(c(5), List.of(), 450);
    assertTrue(s.isFinished(), "finished without waiting for the per-RPC timeout of 1");
    assertEquals(450, s.result().stats().elapsedMillis());
    assertEquals(cs(2, 3, 4, 5), s.result().closest(), "the silent 1 is left out");
    assertEquals(1, s.result().stats().silent());
    assertEquals(1, s.result().stats().failedRpcs());
  }

  @Test
  void aFailureSwitchesTheLookupToTheStrictRuleSoNoDeadContactIsReported() {
    LookupState s = withBeta(4, 2, 2, cs(1, 2, 3, 4, 5));
    assertEquals(cs(1, 2), s.next(0));
    s.onTimeout(c(2), 5000);
    s.onResponse(c(1), List.of(), 5001);
    assertEquals(cs(3, 4), s.next(5001));
    s.onResponse(c(3), List.of(), 5002);
    s.onResponse(c(4), List.of(), 5003);
    assertFalse(s.isFinished(), "beta = 2 closest answered, but 5 is unverified after a failure");
    assertEquals(cs(5), s.next(5003));
    s.onResponse(c(5), List.of(), 5004);
    assertTrue(s.isFinished());
    assertEquals(s.result().answered(), s.result().closest());
  }

  @Test
  void repliesWithoutAnOutstandingRequestAreIgnoredAndCounted() {
    LookupState s = findNode(3, 1, cs(1, 2));
    s.next(0);
    s.onResponse(c(2), cs(3), 1); // never queried
    s.onResponse(c(9), cs(3), 1); // unknown
    s.onResponse(c(1), List.of(), 2);
    s.onResponse(c(1), cs(3), 3); // duplicate
    assertEquals(cs(2), s.next(3), "3 was never learned: all its mentions were ignored");
    assertEquals(3, s.result().stats().ignoredReplies());
  }

  @Test
  void roundsIsTheHopDepthOfTheDeepestResultContact() {
    LookupState s = findNode(1, 1, cs(10));
    s.next(0);
    s.onResponse(c(10), cs(5), 1);
    s.next(1);
    s.onResponse(c(5), cs(1), 2);
    s.next(2);
    s.onResponse(c(1), List.of(), 3);
    assertTrue(s.isFinished());
    assertEquals(cs(1), s.result().closest());
    assertEquals(3, s.result().stats().rounds());
  }

  @Test
  void noCandidatesMeansFinishedAtOnceWithAnEmptyUnsuccessfulResult() {
    LookupState s = findNode(20, 3, List.of());
    assertTrue(s.isFinished());
    assertEquals(List.of(), s.next(0));
    assertFalse(s.result().succeeded());
  }

  @Test
  void aLookupWhoseCandidatesAllFailFinishesUnsuccessful() {
    LookupState s = findNode(20, 3, cs(1, 2));
    s.next(0);
    s.onTimeout(c(1), 5000);
    assertFalse(s.isFinished());
    s.onFailure(c(2), 5001);
    assertTrue(s.isFinished());
    assertFalse(s.result().succeeded());
    assertEquals(2, s.result().stats().failedRpcs());
  }

  @Test
  void unqueriedCandidatesAreCappedAtThreeKClosest() {
    LookupState s = findNode(2, 1, cs(1000));
    s.next(0);
    List<Contact> many = new ArrayList<>();
    for (int n = 1; n <= 200; n++) {
      many.add(c(n));
    }
    s.onResponse(c(1000), many, 1);
    assertEquals(1 + 3 * 2, s.trackedContacts());
    assertEquals(cs(1), s.next(1), "the closest candidates are the ones kept");
  }

  @Test
  void lowerTierIsPreferredWithinTheWindow() {
    Map<NodeId, Integer> tiers = Map.of(c(1).id(), 2, c(2).id(), 0);
    LookupState s = LookupState.findNode(TARGET, 20, 1, cs(1, 2), SELF, id -> tiers.getOrDefault(id, 0));
    assertEquals(cs(2), s.next(0), "window is 2 x alpha = 2 candidates: 1 (tier 2) and 2 (tier 0)");
  }

  @Test
  void equalTiersAreQueriedByDistance() {
    LookupState s = LookupState.findNode(TARGET, 20, 2, cs(3, 1, 2), SELF, id -> 1);
    assertEquals(cs(1, 2), s.next(0));
  }

  @Test
  void aLowTierCandidateOutsideTheWindowWaitsForItsTurn() {
    Map<NodeId, Integer> tiers = Map.of(c(1).id(), 1, c(2).id(), 1, c(3).id(), 0);
    LookupState s = LookupState.findNode(TARGET, 20, 1, cs(1, 2, 3), SELF, id -> tiers.getOrDefault(id, 0));
    assertEquals(cs(1), s.next(0), "3 is the third closest, outside a window of 2");
  }

  @Test
  void findValueStopsAtTheFirstValidValueAndNamesTheClosestContactWithoutIt() {
    byte[] value = {1, 2, 3};
    LookupState s = new LookupState(TARGET, 20, 2, cs(1, 2, 3, 4), SELF, NO_TIERS, v -> Arrays.equals(v, value),
        LookupTuning.DEFAULT.withFinalBurst(false));
    assertEquals(cs(1, 2), s.next(0));
    s.onResponse(c(2), List.of(), 1);
    assertEquals(cs(3), s.next(1));
    s.onValue(c(3), value, 2);
    assertTrue(s.isFinished());
    assertEquals(List.of(), s.next(2), "no more requests after a value");
    s.onResponse(c(1), List.of(), 3); // late: ignored
    LookupResult r = s.result();
    assertEquals(c(3), r.found().orElseThrow().from());
    assertArrayEquals(value, r.found().orElseThrow().value());
    assertEquals(c(2), r.cacheAt().orElseThrow(), "1 never answered; 2 is the closest that answered without it");
    assertEquals(3, r.stats().messagesSent());
  }

  @Test
  void anInvalidValueCountsAsAFailureAndTheLookupGoesOn() {
    LookupState s = LookupState.findValue(TARGET, 20, 1, cs(1, 2), SELF, NO_TIERS, v -> v.length == 3);
    s.next(0);
    s.onValue(c(1), new byte[] {9}, 1);
    assertFalse(s.isFinished());
    assertEquals(cs(2), s.next(1));
    assertEquals(1, s.result().stats().failures());
    assertTrue(s.result().found().isEmpty());
  }

  @Test
  void aValueInAFindNodeLookupIsAFailureOfThatPeer() {
    LookupState s = findNode(20, 1, cs(1));
    s.next(0);
    s.onValue(c(1), new byte[] {1}, 1);
    assertTrue(s.isFinished());
    assertTrue(s.result().found().isEmpty());
    assertEquals(1, s.result().stats().failures());
  }

  @Test
  void findValueWithoutAnyHolderEndsLikeFindNodeWithoutCacheTarget() {
    LookupState s = LookupState.findValue(TARGET, 2, 2, cs(1, 2), SELF, NO_TIERS, v -> true);
    s.next(0);
    s.onResponse(c(1), List.of(), 1);
    s.onResponse(c(2), List.of(), 2);
    assertTrue(s.isFinished());
    assertTrue(s.result().found().isEmpty());
    assertTrue(s.result().cacheAt().isEmpty());
    assertTrue(s.result().succeeded());
  }

  @Test
  void withoutTheFinalBurstTheLimitStaysAlphaAfterConvergence() {
    LookupState s = findNode(3, 1, cs(1, 2, 3));
    s.next(0);
    s.onResponse(c(1), List.of(), 1);
    assertEquals(1, s.limit());
    assertEquals(cs(2), s.next(1));
  }

  @Test
  void theFinalBurstAsksAllRemainingKClosestOnceAlphaAnswersBroughtNothingCloser() {
    LookupState s = new LookupState(TARGET, 3, 1, cs(1, 2, 3, 4), SELF, NO_TIERS, null,
        LookupTuning.DEFAULT.withFinalBurst(true));
    s.next(0);
    s.onResponse(c(1), cs(5), 1); // 5 is farther than 1: no progress
    assertEquals(3, s.limit());
    assertEquals(cs(2, 3), s.next(1), "the rest of the k closest, not 4 or 5");
  }

  @Test
  void anAnswerThatBringsSomethingCloserDoesNotStartTheBurst() {
    LookupState s = new LookupState(TARGET, 3, 2, cs(5, 6, 7), SELF, NO_TIERS, null,
        LookupTuning.DEFAULT.withFinalBurst(true));
    s.next(0);
    s.onResponse(c(6), cs(1), 1); // progress: 1 is the new closest
    assertEquals(2, s.limit());
    s.onResponse(c(5), List.of(), 2); // nothing closer than 1: converged
    assertEquals(3, s.limit());
  }

  @Test
  void aSilentContactIsNotWaitedForOnceTheKClosestResponsiveAnswered() {
    LookupState s = findNode(2, 1, cs(1, 2, 3));
    assertEquals(cs(1), s.next(0));
    s.onSlow(c(1), 1000);
    assertEquals(cs(2), s.next(1000));
    s.onResponse(c(2), List.of(), 1100);
    assertEquals(cs(3), s.next(1100), "3 stands in for the slow 1 among the k closest");
    s.onResponse(c(3), List.of(), 1200);
    assertTrue(s.isFinished(), "2 and 3 answered; 1 is silent and not waited for");
    assertEquals(cs(2, 3), s.result().closest());
    s.onResponse(c(1), List.of(), 1300);
    assertEquals(1, s.result().stats().ignoredReplies(), "an answer after the end is ignored by the state");
  }

  @Test
  void findValueDoesNotStopOnTheBetaRuleWhenCloserNewcomersLackTheValue() {
    byte[] value = {1, 2, 3};
    // β = 3, k = 6: the three closest (newcomers) answer without the value; the holder is the 5th closest.
    LookupState s = new LookupState(TARGET, 6, 3, cs(1, 2, 3, 4, 5, 6), SELF, NO_TIERS, v -> Arrays.equals(v, value),
        LookupTuning.DEFAULT.withFinalBurst(false).withResiliency(3));
    assertEquals(cs(1, 2, 3), s.next(0));
    s.onResponse(c(1), List.of(), 1);
    s.onResponse(c(2), List.of(), 2);
    s.onResponse(c(3), List.of(), 3);
    assertFalse(s.isFinished(), "a FindValue waits for the k closest, not the β closest");
    assertEquals(cs(4, 5, 6), s.next(4));
    s.onResponse(c(4), List.of(), 5);
    s.onValue(c(5), value, 6);
    assertTrue(s.isFinished());
    assertEquals(c(5), s.result().found().orElseThrow().from());

    LookupState findNode = withBeta(6, 3, 3, cs(1, 2, 3, 4, 5, 6));
    findNode.next(0);
    findNode.onResponse(c(1), List.of(), 1);
    findNode.onResponse(c(2), List.of(), 2);
    findNode.onResponse(c(3), List.of(), 3);
    assertTrue(findNode.isFinished(), "the same answers end a FindNode on the β rule");
  }

  @Test
  void findValueWithoutAnyHolderEndsOnlyOnceTheKClosestAnswered() {
    LookupState s = new LookupState(TARGET, 4, 2, cs(1, 2, 3, 4, 5), SELF, NO_TIERS, v -> true,
        LookupTuning.DEFAULT.withFinalBurst(false).withResiliency(1));
    assertEquals(cs(1, 2), s.next(0));
    s.onResponse(c(1), List.of(), 1);
    s.onResponse(c(2), List.of(), 2);
    assertFalse(s.isFinished(), "β = 1 would have ended here");
    assertEquals(cs(3, 4), s.next(3));
    s.onResponse(c(3), List.of(), 4);
    assertFalse(s.isFinished());
    s.onResponse(c(4), List.of(), 5);
    assertTrue(s.isFinished());
    assertEquals(4, s.result().stats().messagesSent(), "5 is outside the k closest and never asked");
  }

  @Test
  void aCollectingFindValueGathersEveryValidCopyFromTheKClosest() {
    LookupState s = LookupState.collecting(TARGET, 4, 4, cs(1, 2, 3, 4, 5), SELF, NO_TIERS, v -> v.length == 1,
        LookupTuning.DEFAULT.withFinalBurst(false));
    assertEquals(cs(1, 2, 3, 4), s.next(0));
    s.onValue(c(3), new byte[] {3}, 1);
    assertFalse(s.isFinished(), "one copy is not enough: a closer holder may have a newer one");
    s.onValue(c(1), new byte[] {1}, 2);
    s.onValue(c(2), new byte[] {7, 7}, 3); // invalid: a failure of 2
    assertFalse(s.isFinished());
    s.onResponse(c(4), List.of(), 4);
    assertFalse(s.isFinished(), "2 failed, so 5 is now among the 4 closest responsive");
    assertEquals(cs(5), s.next(5));
    s.onResponse(c(5), List.of(), 6);
    assertTrue(s.isFinished());
    LookupResult r = s.result();
    assertEquals(cs(1, 3), r.values().stream().map(LookupResult.FoundValue::from).toList(), "closest holder first");
    assertArrayEquals(new byte[] {1}, r.values().get(0).value());
    assertEquals(c(4), r.cacheAt().orElseThrow());
  }

  @Test
  void aCollectingFindValueWithACopyDoesNotWaitOutSilentContactsWhenFewerThanKAnswer() {
    // Three contacts for k = 4 (a small network): 1 goes silent (behind a NAT it cannot be reached), 2 has a copy.
    LookupState s = LookupState.collecting(TARGET, 4, 4, cs(1, 2, 3), SELF, NO_TIERS, v -> v.length == 1,
        LookupTuning.DEFAULT.withFinalBurst(false));
    assertEquals(cs(1, 2, 3), s.next(0));
    s.onSlow(c(1), 1000);
    s.onResponse(c(3), List.of(), 1001);
    assertFalse(s.isFinished(), "no copy yet: the silent contact may hold one");
    s.onValue(c(2), new byte[] {2}, 1002);
    assertTrue(s.isFinished(), "a copy and every responsive contact answered: the silent one is not waited for");

    LookupState none = LookupState.collecting(TARGET, 4, 4, cs(1, 2), SELF, NO_TIERS, v -> v.length == 1,
        LookupTuning.DEFAULT.withFinalBurst(false));
    none.next(0);
    none.onSlow(c(1), 1000);
    none.onResponse(c(2), List.of(), 1001);
    assertFalse(none.isFinished(), "without a copy the silent contact is waited for until it fails");
    none.onFailure(c(1), 5000);
    assertTrue(none.isFinished());
  }
}
