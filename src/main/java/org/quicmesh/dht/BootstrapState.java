package org.quicmesh.dht;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * How a node joins the mesh, as a plain state machine: ping every seed; once all have answered or failed, look up
 * our own id if any seed answered, else retry after a backoff that doubles from 1 s up to {@code retryMax}. The owning
 * actor does the I/O and reports each seed's outcome with the attempt number it was started under, so answers to an attempt
 * that was superseded (a new {@link #start}, e.g. a re-bootstrap after a restart) are ignored.
 *
 * <p>A self lookup that leaves no contact but the seeds that answered is looked up again, after a backoff that doubles
 * from 1 s while it stays within {@code retryMax}: a seed that is itself still joining knows no one but us yet, and
 * without a second look the nodes closest to us never hear of us (nothing else would look for an hour, until bucket
 * refresh), so lookups of our id fail. Once the table holds anyone else, or the backoff passed {@code retryMax} (the
 * seeds really are the whole mesh), the node counts as joined.
 */
final class BootstrapState {
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  /** What the owner does after an event. */
  enum Next {
    /** Ping each of {@link #seeds()} and report the outcomes with {@link #attempt()}. */
    PING_SEEDS,
    /** Nothing to join: this node starts a new mesh. */
    START_NEW_MESH,
    /** Keep waiting for the other seeds. */
    WAIT,
    /** No seed answered: start the attempt again after {@link #retryDelay()}. */
    RETRY_LATER,
    /** A seed answered (or {@link #lookUpSelfAgain}): look up our own id, then report {@link #selfLookupDone}. */
    LOOK_UP_SELF,
    /** The self lookup found no one beyond the seeds: call {@link #lookUpSelfAgain} after {@link #retryDelay()}. */
    LOOK_UP_SELF_LATER,
    /** The self lookup reached the mesh (or we gave up looking for more): the node has joined. */
    JOINED
  }

  private final Duration retryMax;
  private List<InetSocketAddress> seeds = List.of();
  private int attempt;
  private int pending;
  private int seedsAnswered;
  private boolean selfLookupDue;
  private Duration backoff = FIRST_BACKOFF;
  private Duration selfLookupBackoff = FIRST_BACKOFF;
  private Duration retryDelay = Duration.ZERO;
  private String description = "not started";

  BootstrapState(Duration retryMax) {
    this.retryMax = retryMax;
  }

  /** Starts an attempt through {@code seeds} (a retry passes the same seeds again). */
  Next start(List<InetSocketAddress> seeds) {
    this.seeds = List.copyOf(seeds);
    attempt++;
    if (this.seeds.isEmpty()) {
      pending = 0;
      description = "no seeds: this node starts a new mesh";
      return Next.START_NEW_MESH;
    }
    pending = this.seeds.size();
    seedsAnswered = 0;
    selfLookupDue = false;
    selfLookupBackoff = FIRST_BACKOFF;
    description = "contacting " + this.seeds.size() + " seed(s)";
    return Next.PING_SEEDS;
  }

  /** Starts the current seeds again (the retry timer fired). */
  Next retry() {
    return start(seeds);
  }

  /** One seed of attempt {@code attempt} answered ({@code answered}) or failed; stale attempts are ignored. */
  Next seedOutcome(int attempt, boolean answered) {
    if (attempt != this.attempt || pending == 0) {
      return Next.WAIT;
    }
    pending--;
    if (answered) {
      seedsAnswered++;
    }
    if (pending > 0) {
      return Next.WAIT;
    }
    if (seedsAnswered == 0) {
      retryDelay = backoff;
      description = "failed: no seed answered; retrying in " + retryDelay.toSeconds() + " s";
      Duration doubled = backoff.multipliedBy(2);
      backoff = doubled.compareTo(retryMax) > 0 ? retryMax : doubled;
      return Next.RETRY_LATER;
    }
    backoff = FIRST_BACKOFF;
    description = "looking up own id";
    return Next.LOOK_UP_SELF;
  }

  /**
   * The self lookup finished with {@code contacts} in the routing table: {@link Next#JOINED}, or
   * {@link Next#LOOK_UP_SELF_LATER} while the table holds no more than the seeds that answered (see above).
   */
  Next selfLookupDone(int contacts) {
    if (contacts > seedsAnswered || selfLookupBackoff.compareTo(retryMax) > 0) {
      selfLookupDue = false;
      description = "joined: " + contacts + " contacts";
      return Next.JOINED;
    }
    retryDelay = selfLookupBackoff;
    selfLookupBackoff = selfLookupBackoff.multipliedBy(2);
    selfLookupDue = true;
    description = "joined: " + contacts + " contacts, only seeds; looking up own id again in " + retryDelay.toSeconds()
        + " s";
    return Next.LOOK_UP_SELF_LATER;
  }

  /** The wait after {@link Next#LOOK_UP_SELF_LATER} is over; {@link Next#WAIT} if a new {@link #start} came since. */
  Next lookUpSelfAgain() {
    if (!selfLookupDue) {
      return Next.WAIT;
    }
    selfLookupDue = false;
    return Next.LOOK_UP_SELF;
  }

  List<InetSocketAddress> seeds() {
    return seeds;
  }

  int attempt() {
    return attempt;
  }

  Duration retryDelay() {
    return retryDelay;
  }

  /** For telemetry: "not started", "contacting 2 seed(s)", "joined: 40 contacts", ... */
  String describe() {
    return description;
  }
}
