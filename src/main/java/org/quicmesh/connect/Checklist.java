package org.quicmesh.connect;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The connectivity checks of one ICE attempt (RFC 8445, reduced to what one UDP socket per node needs: every pair has
 * the same local base, so a pair is a remote candidate). Checks go out paced, one per tick, round-robin over the
 * candidates in priority order, each candidate retried until it answers or the attempt times out. A check that
 * arrives from an address we did not know is a peer-reflexive candidate: it joins the list at the front and is
 * checked at once (a triggered check), which is what lets a symmetric NAT's side reach a cone NAT's side.
 *
 * <p>The first candidate whose check is answered is nominated (aggressive nomination). Pure and not thread-safe;
 * time is passed in.
 */
final class Checklist {
  /** A check to send now. */
  record Outgoing(InetSocketAddress to, PathCheck check) {}

  /** A candidate that answered, and how fast. */
  record Success(InetSocketAddress address, long rttMillis, boolean peerReflexive) {}

  private static final class Candidate {
    final InetSocketAddress address;
    final boolean peerReflexive;
    long lastSentMillis = Long.MIN_VALUE;
    int sent;

    Candidate(InetSocketAddress address, boolean peerReflexive) {
      this.address = address;
      this.peerReflexive = peerReflexive;
    }
  }

  private record Sent(Candidate candidate, long atMillis) {}

  private final byte[] token;
  private final Random random;
  private final long retryMillis;
  private final int maxChecksPerCandidate;
  private final List<Candidate> candidates = new ArrayList<>();
  private final Map<Long, Sent> transactions = new HashMap<>();
  private final List<Candidate> triggered = new ArrayList<>();
  private int cursor;
  private Success nominated;

  /**
   * @param remote the peer's candidates, best first
   * @param retryMillis how long before a candidate is checked again
   * @param maxChecksPerCandidate checks sent to one candidate at most
   */
  Checklist(List<InetSocketAddress> remote, byte[] token, Random random, long retryMillis,
      int maxChecksPerCandidate) {
    this.token = token.clone();
    this.random = random;
    this.retryMillis = retryMillis;
    this.maxChecksPerCandidate = maxChecksPerCandidate;
    remote.stream().distinct().forEach(a -> candidates.add(new Candidate(a, false)));
  }

  /** The next check due at {@code nowMillis} (at most one per call: the caller paces the calls). */
  Optional<Outgoing> next(long nowMillis) {
    if (nominated != null) {
      return Optional.empty();
    }
    if (!triggered.isEmpty()) {
      return Optional.of(send(triggered.remove(0), nowMillis));
    }
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get((cursor + i) % candidates.size());
      if (c.sent < maxChecksPerCandidate
          && (c.sent == 0 || nowMillis - c.lastSentMillis >= retryMillis)) {
        cursor = (cursor + i + 1) % candidates.size();
        return Optional.of(send(c, nowMillis));
      }
    }
    return Optional.empty();
  }

  /**
   * The peer's check arrived from {@code from}: a new address becomes a peer-reflexive candidate with a triggered
   * check; a known one is checked again at once if it has not answered yet.
   */
  void checkedFrom(InetSocketAddress from) {
    if (nominated != null) {
      return;
    }
    Candidate known = candidates.stream().filter(c -> c.address.equals(from)).findFirst().orElse(null);
    if (known == null) {
      known = new Candidate(from, true);
      candidates.add(0, known);
    }
    if (!triggered.contains(known)) {
      triggered.add(known);
    }
  }

  /** An answer arrived: if it answers one of our checks, its candidate is nominated (the first one wins). */
  Optional<Success> answered(PathCheck answer, long nowMillis) {
    if (!answer.answer() || nominated != null) {
      return Optional.empty(); // a check is not an answer: it must not use up the transaction it carries
    }
    Sent sent = transactions.remove(answer.transaction());
    if (sent == null) {
      return Optional.empty();
    }
    nominated = new Success(sent.candidate.address, Math.max(0, nowMillis - sent.atMillis),
        sent.candidate.peerReflexive);
    return Optional.of(nominated);
  }

  /** Whether every candidate got all its checks (the attempt can only wait for late answers now). */
  boolean exhausted() {
    return triggered.isEmpty() && candidates.stream().allMatch(c -> c.sent >= maxChecksPerCandidate);
  }

  Optional<Success> nominated() {
    return Optional.ofNullable(nominated);
  }

  int candidateCount() {
    return candidates.size();
  }

  private Outgoing send(Candidate c, long nowMillis) {
    long transaction = random.nextLong();
    c.sent++;
    c.lastSentMillis = nowMillis;
    transactions.put(transaction, new Sent(c, nowMillis));
    return new Outgoing(c.address, new PathCheck(false, token, transaction));
  }
}
