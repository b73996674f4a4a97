package org.quicmesh.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicmesh.connect.PathHealth.Which;

/** Liveness and RTT of a peer's direct and relayed paths, and which one traffic takes. */
class PathHealthTest {
  private static final int MAX_MISSES = 3;
  private static final long ADVANTAGE = 50;

  private final PathHealth health = new PathHealth(MAX_MISSES, ADVANTAGE);
  private long now = 10_000;
  private long nextTransaction = 1;

  /** Sends a check on {@code path} and returns its transaction. */
  private long send(Which path) {
    long transaction = nextTransaction++;
    health.sent(path, transaction, now);
    return transaction;
  }

  /** A check on {@code path} answered after {@code rtt} ms. */
  private void roundTrip(Which path, long rtt) {
    long transaction = send(path);
    now += rtt;
    assertEquals(Optional.of(path), health.answered(transaction, now));
  }

  /** {@code n} checks on {@code path} go unanswered (each counted missed when the next goes out). */
  private void miss(Which path, int n) {
    for (int i = 0; i <= n; i++) {
      send(path);
    }
  }

  @Test
  void noPathIsAliveBeforeAnyAnswer() {
    assertFalse(health.alive(Which.DIRECT));
    assertFalse(health.alive(Which.RELAYED));
  }

  @Test
  void aPathProvenByAnIceCheckIsAliveWithThatRtt() {
    health.proven(Which.DIRECT, 40);

    assertTrue(health.alive(Which.DIRECT));
    assertEquals(40.0, health.stats(Which.DIRECT).rtt().orElseThrow());
    assertFalse(health.alive(Which.RELAYED));
  }

  @Test
  void aPathStaysAliveWithFewerThanMaxMissesInARow() {
    health.proven(Which.DIRECT, 40);

    miss(Which.DIRECT, MAX_MISSES - 1);

    assertEquals(MAX_MISSES - 1, health.stats(Which.DIRECT).missesInRow);
    assertTrue(health.alive(Which.DIRECT));
  }

  @Test
  void maxMissesInARowKillAPath() {
    health.proven(Which.DIRECT, 40);

    miss(Which.DIRECT, MAX_MISSES);

    assertFalse(health.alive(Which.DIRECT));
  }

  @Test
  void anAnswerBetweenMissesStartsTheCountAgain() {
    health.proven(Which.DIRECT, 40);
    miss(Which.DIRECT, MAX_MISSES - 1);
    now += 40;
    health.answered(nextTransaction - 1, now);

    miss(Which.DIRECT, MAX_MISSES - 1);

    assertTrue(health.alive(Which.DIRECT));
  }

  @Test
  void missesOnOnePathDoNotCountAgainstTheOther() {
    health.proven(Which.DIRECT, 40);
    roundTrip(Which.RELAYED, 80);

    miss(Which.RELAYED, MAX_MISSES);

    assertTrue(health.alive(Which.DIRECT));
    assertFalse(health.alive(Which.RELAYED));
  }

  @Test
  void checksInFlightOnBothPathsAreTrackedSeparately() {
    health.proven(Which.DIRECT, 40);
    long direct = send(Which.DIRECT);
    long relayed = send(Which.RELAYED);
    now += 30;

    assertEquals(Optional.of(Which.RELAYED), health.answered(relayed, now));
    assertEquals(Optional.of(Which.DIRECT), health.answered(direct, now));
    assertEquals(0, health.stats(Which.DIRECT).missesInRow);
  }

  @Test
  void withoutARelayTrafficGoesDirect() {
    assertEquals(Which.DIRECT, health.preferred(false));

    health.proven(Which.DIRECT, 40);
    miss(Which.DIRECT, MAX_MISSES);

    assertEquals(Which.DIRECT, health.preferred(false), "even when direct is dead: there is nothing else");
  }

  @Test
  void directIsPreferredWhenTheRelayIsFasterByNoMoreThanTheAdvantage() {
    health.proven(Which.DIRECT, 100);
    roundTrip(Which.RELAYED, 100 - ADVANTAGE);

    assertEquals(Which.DIRECT, health.preferred(true));
  }

  @Test
  void directIsPreferredWhenItIsFaster() {
    health.proven(Which.DIRECT, 20);
    roundTrip(Which.RELAYED, 80);

    assertEquals(Which.DIRECT, health.preferred(true));
  }

  @Test
  void theRelayIsPreferredWhenFasterByMoreThanTheAdvantage() {
    health.proven(Which.DIRECT, 100);
    roundTrip(Which.RELAYED, 100 - ADVANTAGE - 1);

    assertEquals(Which.RELAYED, health.preferred(true));
  }

  @Test
  void aFastRelayThatIsDeadIsNotPreferred() {
    health.proven(Which.DIRECT, 200);
    roundTrip(Which.RELAYED, 10);

    miss(Which.RELAYED, MAX_MISSES);

    assertEquals(Which.DIRECT, health.preferred(true));
  }

  @Test
  void aRelayNotYetMeasuredDoesNotTakeTrafficFromALiveDirectPath() {
    health.proven(Which.DIRECT, 500);

    assertEquals(Which.DIRECT, health.preferred(true));
  }

  @Test
  void aDeadDirectPathGivesTrafficToTheRelay() {
    health.proven(Which.DIRECT, 20);
    roundTrip(Which.RELAYED, 80);

    miss(Which.DIRECT, MAX_MISSES);

    assertEquals(Which.RELAYED, health.preferred(true));
  }

  @Test
  void anAnswerRevivesADeadDirectPathAndTakesTrafficBack() {
    health.proven(Which.DIRECT, 20);
    roundTrip(Which.RELAYED, 80);
    miss(Which.DIRECT, MAX_MISSES);
    long last = nextTransaction - 1; // the check still pending on direct
    now += 25;

    assertEquals(Optional.of(Which.DIRECT), health.answered(last, now));

    assertTrue(health.alive(Which.DIRECT));
    assertEquals(Which.DIRECT, health.preferred(true));
  }

  @Test
  void aLateAnswerToACheckAlreadyReplacedIsIgnored() {
    health.proven(Which.DIRECT, 20);
    long replaced = send(Which.DIRECT);
    send(Which.DIRECT);
    miss(Which.DIRECT, MAX_MISSES);
    int answeredBefore = health.stats(Which.DIRECT).answered;

    assertTrue(health.answered(replaced, now + 5).isEmpty());

    assertFalse(health.alive(Which.DIRECT));
    assertEquals(answeredBefore, health.stats(Which.DIRECT).answered);
  }

  @Test
  void anAnswerWithAnUnknownTransactionIsIgnored() {
    health.proven(Which.DIRECT, 20);

    assertTrue(health.answered(12345, now).isEmpty());
    assertEquals(1, health.stats(Which.DIRECT).answered);
  }

  @Test
  void anAnswerCountsOnce() {
    health.proven(Which.DIRECT, 20);
    long t = send(Which.DIRECT);
    health.answered(t, now + 10);

    assertTrue(health.answered(t, now + 11).isEmpty());
    assertEquals(2, health.stats(Which.DIRECT).answered);
  }

  @Test
  void theFirstMeasuredRttIsTakenAsItIs() {
    roundTrip(Which.RELAYED, 80);

    assertEquals(80.0, health.stats(Which.RELAYED).rtt().orElseThrow());
  }

  @Test
  void laterRttsAreSmoothedAQuarterAtATime() {
    health.proven(Which.DIRECT, 100);

    roundTrip(Which.DIRECT, 20);

    assertEquals(80.0, health.stats(Which.DIRECT).rtt().orElseThrow(), 1e-9);
  }

  @Test
  void aPathWithoutAnswersHasNoRtt() {
    send(Which.RELAYED);

    assertTrue(health.stats(Which.RELAYED).rtt().isEmpty());
  }

  @Test
  void lossIsTheFractionOfChecksNotAnswered() {
    assertEquals(0.0, health.stats(Which.DIRECT).loss(), "no checks, no loss");
    health.proven(Which.DIRECT, 20); // 1 sent, 1 answered
    roundTrip(Which.DIRECT, 20); // 2 sent, 2 answered
    send(Which.DIRECT); // 3 sent, replaced next: missed
    roundTrip(Which.DIRECT, 20); // 4 sent, 3 answered

    assertEquals(0.25, health.stats(Which.DIRECT).loss(), 1e-9);
  }

  @Test
  void aLateAnswerDoesNotLowerTheLoss() {
    long replaced = send(Which.RELAYED);
    send(Which.RELAYED);
    health.answered(replaced, now + 100);

    assertEquals(1.0, health.stats(Which.RELAYED).loss(), 1e-9);
  }
}
