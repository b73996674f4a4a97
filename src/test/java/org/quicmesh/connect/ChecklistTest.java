package org.quicmesh.connect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.connect.Checklist.Outgoing;
import org.quicmesh.connect.Checklist.Success;

/** The paced connectivity checks of one ICE attempt, and which candidate they nominate. */
class ChecklistTest {
  private static final InetSocketAddress A = new InetSocketAddress("203.0.113.10", 4000);
  private static final InetSocketAddress B = new InetSocketAddress("198.51.100.20", 4001);
  private static final InetSocketAddress C = new InetSocketAddress("192.168.1.30", 4002);
  private static final InetSocketAddress REFLEXIVE = new InetSocketAddress("203.0.113.99", 61000);
  private static final byte[] TOKEN = PathCheckTest.token(1);
  private static final long RETRY = 500;
  private static final int MAX_CHECKS = 3;

  private static Checklist checklist(InetSocketAddress... remote) {
    return new Checklist(List.of(remote), TOKEN, new Random(7), RETRY, MAX_CHECKS);
  }

  private static Outgoing next(Checklist list, long now) {
    return list.next(now).orElseThrow(() -> new AssertionError("a check was due at " + now));
  }

  @Test
  void eachCallGivesOneCheckAndTheCandidatesComeInTheOrderGiven() {
    Checklist list = checklist(A, B, C);

    assertEquals(A, next(list, 0).to());
    assertEquals(B, next(list, 0).to());
    assertEquals(C, next(list, 0).to());
  }

  @Test
  void aCheckCarriesTheAttemptsTokenAndIsNotAnAnswer() {
    Checklist list = checklist(A);

    Outgoing out = next(list, 0);

    assertFalse(out.check().answer());
    assertArrayEquals(TOKEN, out.check().token());
  }

  @Test
  void everyCheckHasItsOwnTransaction() {
    Checklist list = checklist(A, B);

    long first = next(list, 0).check().transaction();
    long second = next(list, 0).check().transaction();

    assertNotEquals(first, second);
  }

  @Test
  void duplicateCandidatesAreCheckedOnce() {
    Checklist list = checklist(A, A, B);

    assertEquals(2, list.candidateCount());
    assertEquals(A, next(list, 0).to());
    assertEquals(B, next(list, 0).to());
    assertTrue(list.next(0).isEmpty());
  }

  @Test
  void aCandidateIsCheckedAgainOnlyAfterTheRetryInterval() {
    Checklist list = checklist(A);
    next(list, 1_000);

    assertTrue(list.next(1_000 + RETRY - 1).isEmpty(), "too early");
    assertEquals(A, next(list, 1_000 + RETRY).to());
  }

  @Test
  void retriesGoRoundRobinOverTheCandidates() {
    Checklist list = checklist(A, B);
    next(list, 0);
    next(list, 0);

    assertEquals(A, next(list, RETRY).to());
    assertEquals(B, next(list, RETRY).to());
  }

  @Test
  void aCandidateGetsAtMostMaxChecksPerCandidate() {
    Checklist list = checklist(A);
    for (int i = 0; i < MAX_CHECKS; i++) {
      assertEquals(A, next(list, i * RETRY).to());
    }

    assertTrue(list.next(MAX_CHECKS * RETRY).isEmpty());
    assertTrue(list.next(100 * RETRY).isEmpty());
  }

  @Test
  void theListIsExhaustedOnlyWhenEveryCandidateGotAllItsChecks() {
    Checklist list = checklist(A, B);
    long now = 0;
    for (int round = 0; round < MAX_CHECKS; round++, now += RETRY) {
      assertFalse(list.exhausted(), "round " + round);
      next(list, now);
      assertFalse(list.exhausted(), "round " + round + ", B not yet checked");
      next(list, now);
    }

    assertTrue(list.exhausted());
  }

  @Test
  void anEmptyListSendsNothingAndIsExhausted() {
    Checklist list = checklist();

    assertTrue(list.next(0).isEmpty());
    assertTrue(list.exhausted());
  }

  @Test
  void aCheckFromAnUnknownAddressMakesAPeerReflexiveCandidateCheckedFirst() {
    Checklist list = checklist(A, B);

    list.checkedFrom(REFLEXIVE);

    assertEquals(3, list.candidateCount());
    assertEquals(REFLEXIVE, next(list, 0).to());
    assertEquals(A, next(list, 0).to());
  }

  @Test
  void aTriggeredCheckDoesNotWaitForTheRetryInterval() {
    Checklist list = checklist(A);
    next(list, 0);

    list.checkedFrom(A);

    assertEquals(A, next(list, 1).to());
  }

  @Test
  void aTriggeredCheckMakesTheListNotExhausted() {
    Checklist list = checklist(A);
    for (int i = 0; i < MAX_CHECKS; i++) {
      next(list, i * RETRY);
    }
    assertTrue(list.exhausted());

    list.checkedFrom(REFLEXIVE);

    assertFalse(list.exhausted());
    assertEquals(REFLEXIVE, next(list, MAX_CHECKS * RETRY).to());
  }

  @Test
  void aPeerReflexiveCandidateThatAnswersIsNominatedAsPeerReflexive() {
    Checklist list = checklist(A);
    list.checkedFrom(REFLEXIVE);
    Outgoing out = next(list, 100);

    Success success = list.answered(out.check().answered(), 130).orElseThrow();

    assertEquals(REFLEXIVE, success.address());
    assertTrue(success.peerReflexive());
    assertEquals(30, success.rttMillis());
  }

  @Test
  void aKnownCandidateThatAnswersIsNotPeerReflexive() {
    Checklist list = checklist(A);
    Outgoing out = next(list, 100);

    Success success = list.answered(out.check().answered(), 145).orElseThrow();

    assertEquals(A, success.address());
    assertFalse(success.peerReflexive());
    assertEquals(45, success.rttMillis());
  }

  @Test
  void aKnownCandidateThatAlsoChecksUsStaysNotPeerReflexive() {
    Checklist list = checklist(A);
    list.checkedFrom(A);
    Outgoing out = next(list, 0);

    assertEquals(A, out.to());
    assertFalse(list.answered(out.check().answered(), 10).orElseThrow().peerReflexive());
    assertEquals(1, list.candidateCount());
  }

  @Test
  void anAnswerWithAnUnknownTransactionNominatesNothing() {
    Checklist list = checklist(A);
    Outgoing out = next(list, 0);

    Optional<Success> result = list.answered(new PathCheck(true, TOKEN, out.check().transaction() + 1), 10);

    assertTrue(result.isEmpty());
    assertTrue(list.nominated().isEmpty());
  }

  @Test
  void aCheckCarryingOurTransactionNominatesNothing() {
    Checklist list = checklist(A);
    Outgoing out = next(list, 0);

    assertTrue(list.answered(out.check(), 10).isEmpty());
    assertTrue(list.nominated().isEmpty());
  }

  @Test
  void aCheckCarryingOurTransactionDoesNotSpoilTheRealAnswer() {
    Checklist list = checklist(A);
    Outgoing out = next(list, 0);
    list.answered(out.check(), 10);

    assertEquals(A, list.answered(out.check().answered(), 20).orElseThrow().address());
  }

  @Test
  void theFirstAnswerNominatesAndLaterAnswersAreIgnored() {
    Checklist list = checklist(A, B);
    Outgoing toA = next(list, 0);
    Outgoing toB = next(list, 0);

    Success first = list.answered(toB.check().answered(), 20).orElseThrow();
    Optional<Success> later = list.answered(toA.check().answered(), 25);

    assertEquals(B, first.address());
    assertTrue(later.isEmpty());
    assertEquals(Optional.of(first), list.nominated());
  }

  @Test
  void anAnswerToAnEarlierCheckOfTheSameCandidateStillCounts() {
    Checklist list = checklist(A);
    Outgoing first = next(list, 0);
    next(list, RETRY);

    Success success = list.answered(first.check().answered(), RETRY + 10).orElseThrow();

    assertEquals(A, success.address());
    assertEquals(RETRY + 10, success.rttMillis(), "measured from the check it answers");
  }

  @Test
  void anAnswerCountsOnlyOnce() {
    Checklist list = checklist(A);
    Outgoing out = next(list, 0);
    list.answered(out.check().answered(), 10);

    assertTrue(list.answered(out.check().answered(), 11).isEmpty());
  }

  @Test
  void onceNominatedNoMoreChecksGoOut() {
    Checklist list = checklist(A, B);
    Outgoing out = next(list, 0);
    list.answered(out.check().answered(), 10);

    list.checkedFrom(REFLEXIVE);

    assertTrue(list.next(10 * RETRY).isEmpty());
    assertEquals(2, list.candidateCount(), "no candidate added after nomination");
  }

  @Test
  void aClockThatMovesBackGivesAZeroRttNotANegativeOne() {
    Checklist list = checklist(A);
    Outgoing out = next(list, 100);

    assertEquals(0, list.answered(out.check().answered(), 90).orElseThrow().rttMillis());
  }

  @Test
  void theSameSeedGivesTheSameTransactions() {
    List<Long> first = transactions(checklist(A, B, C));
    List<Long> second = transactions(checklist(A, B, C));

    assertEquals(first, second);
  }

  private static List<Long> transactions(Checklist list) {
    List<Long> result = new ArrayList<>();
    list.next(0).ifPresent(o -> result.add(o.check().transaction()));
    list.next(0).ifPresent(o -> result.add(o.check().transaction()));
    list.next(0).ifPresent(o -> result.add(o.check().transaction()));
    return result;
  }
}
