package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The join state machine driven by hand: seeds, backoff, stale answers. */
class BootstrapStateTest {
  private static final InetSocketAddress A = new InetSocketAddress("10.0.0.1", 4000);
  private static final InetSocketAddress B = new InetSocketAddress("10.0.0.2", 4000);

  @Test
  void withoutSeedsTheNodeStartsANewMesh() {
    BootstrapState s = new BootstrapState(Duration.ofSeconds(60));
    assertEquals("not started", s.describe());
    assertEquals(BootstrapState.Next.START_NEW_MESH, s.start(List.of()));
    assertEquals("no seeds: this node starts a new mesh", s.describe());
  }

  @Test
  void oneAnsweringSeedIsEnoughOnceAllSeedsReported() {
    BootstrapState s = new BootstrapState(Duration.ofSeconds(60));
    assertEquals(BootstrapState.Next.PING_SEEDS, s.start(List.of(A, B)));
    assertEquals(List.of(A, B), s.seeds());
    assertEquals("contacting 2 seed(s)", s.describe());
    assertEquals(BootstrapState.Next.WAIT, s.seedOutcome(s.attempt(), true));
    assertEquals(BootstrapState.Next.LOOK_UP_SELF, s.seedOutcome(s.attempt(), false));
    assertEquals("looking up own id", s.describe());
    assertEquals(BootstrapState.Next.JOINED, s.selfLookupDone(17));
    assertEquals("joined: 17 contacts", s.describe());
  }

  @Test
  void aSelfLookupThatFoundOnlyTheSeedsIsRepeatedWithABackoffUntilItFindsMore() {
    // The seed was itself still joining: it knew no one but us, so the table holds only the seed.
    BootstrapState s = new BootstrapState(Duration.ofSeconds(60));
    s.start(List.of(A));
    assertEquals(BootstrapState.Next.LOOK_UP_SELF, s.seedOutcome(s.attempt(), true));
    assertEquals(BootstrapState.Next.LOOK_UP_SELF_LATER, s.selfLookupDone(1));
    assertEquals(Duration.ofSeconds(1), s.retryDelay());
    assertEquals("joined: 1 contacts, only seeds; looking up own id again in 1 s", s.describe());
    assertEquals(BootstrapState.Next.LOOK_UP_SELF, s.lookUpSelfAgain());
    assertEquals(BootstrapState.Next.WAIT, s.lookUpSelfAgain(), "one timer, one lookup");
    assertEquals(BootstrapState.Next.LOOK_UP_SELF_LATER, s.selfLookupDone(1));
    assertEquals(Duration.ofSeconds(2), s.retryDelay());
    assertEquals(BootstrapState.Next.LOOK_UP_SELF, s.lookUpSelfAgain());
    assertEquals(BootstrapState.Next.JOINED, s.selfLookupDone(5));
    assertEquals("joined: 5 contacts", s.describe());
  }

  @Test
  void withTwoAnsweringSeedsASelfLookupFindingOnlyThemIsRepeated() {
    BootstrapState s = new BootstrapState(Duration.ofSeconds(60));
    s.start(List.of(A, B));
    s.seedOutcome(s.attempt(), true);
    assertEquals(BootstrapState.Next.LOOK_UP_SELF, s.seedOutcome(s.attempt(), true));
    assertEquals(BootstrapState.Next.LOOK_UP_SELF_LATER, s.selfLookupDone(2));
    assertEquals(BootstrapState.Next.LOOK_UP_SELF, s.lookUpSelfAgain());
    assertEquals(BootstrapState.Next.JOINED, s.selfLookupDone(3));
  }

  @Test
  void whenTheSeedsAreTheWholeMeshTheRepeatsStopOnceTheBackoffPassesTheMaximum() {
    BootstrapState s = new BootstrapState(Duration.ofSeconds(10));
    s.start(List.of(A));
    s.seedOutcome(s.attempt(), true);
    List<Long> delays = new java.util.ArrayList<>();
    BootstrapState.Next next;
    while ((next = s.selfLookupDone(1)) == BootstrapState.Next.LOOK_UP_SELF_LATER) {
      delays.add(s.retryDelay().toSeconds());
      assertEquals(BootstrapState.Next.LOOK_UP_SELF, s.lookUpSelfAgain());
    }
    assertEquals(BootstrapState.Next.JOINED, next);
    assertEquals(List.of(1L, 2L, 4L, 8L), delays);
    assertEquals("joined: 1 contacts", s.describe());
  }

  @Test
  void aNewStartCancelsAPendingSelfLookupAndResetsItsBackoff() {
    BootstrapState s = new BootstrapState(Duration.ofSeconds(60));
    s.start(List.of(A));
    s.seedOutcome(s.attempt(), true);
    s.selfLookupDone(1);
    s.lookUpSelfAgain();
    s.selfLookupDone(1); // next wait 2 s
    assertEquals(BootstrapState.Next.PING_SEEDS, s.start(List.of(A)));
    assertEquals(BootstrapState.Next.WAIT, s.lookUpSelfAgain(), "the old timer finds nothing to do");
    s.seedOutcome(s.attempt(), true);
    assertEquals(BootstrapState.Next.LOOK_UP_SELF_LATER, s.selfLookupDone(1));
    assertEquals(Duration.ofSeconds(1), s.retryDelay());
  }

  @Test
  void whenNoSeedAnswersTheRetryBackoffDoublesUpToTheMaximumAndResetsOnSuccess() {
    BootstrapState s = new BootstrapState(Duration.ofSeconds(5));
    s.start(List.of(A));
    List<Long> delays = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      assertEquals(BootstrapState.Next.RETRY_LATER, s.seedOutcome(s.attempt(), false));
      delays.add(s.retryDelay().toSeconds());
      assertEquals(BootstrapState.Next.PING_SEEDS, s.retry());
    }
    assertEquals(List.of(1L, 2L, 4L, 5L, 5L), delays);
    assertEquals(BootstrapState.Next.LOOK_UP_SELF, s.seedOutcome(s.attempt(), true));
    s.start(List.of(A));
    assertEquals(BootstrapState.Next.RETRY_LATER, s.seedOutcome(s.attempt(), false));
    assertEquals(Duration.ofSeconds(1), s.retryDelay(), "a success resets the backoff");
    assertEquals("failed: no seed answered; retrying in 1 s", s.describe());
  }

  @Test
  void answersToASupersededAttemptAreIgnored() {
    BootstrapState s = new BootstrapState(Duration.ofSeconds(60));
    s.start(List.of(A));
    int first = s.attempt();
    s.start(List.of(A, B)); // e.g. a re-bootstrap while the first attempt is still out
    assertEquals(BootstrapState.Next.WAIT, s.seedOutcome(first, true), "stale");
    assertEquals(BootstrapState.Next.WAIT, s.seedOutcome(s.attempt(), false));
    assertEquals(BootstrapState.Next.RETRY_LATER, s.seedOutcome(s.attempt(), false),
        "the stale success did not count for the new attempt");
    assertEquals(BootstrapState.Next.WAIT, s.seedOutcome(s.attempt(), true), "more outcomes than seeds are ignored");
  }
}
