package org.quicmesh.bench;

/**
 * The receiving side's check that a benchmark stream lost and reordered nothing. Each chunk's session id carries its
 * running sequence number {@code seq} within the row, negated as {@code -(seq + 1)} on the last chunk of a message;
 * every message is {@code chunksPerMessage} chunks. A chunk out of place fails at once with where it happened.
 */
final class ChunkSequence {
  private final int chunksPerMessage;
  private long next;

  ChunkSequence(int chunksPerMessage) {
    if (chunksPerMessage <= 0) {
      throw new IllegalArgumentException("chunksPerMessage must be positive");
    }
    this.chunksPerMessage = chunksPerMessage;
  }

  /** The session id of chunk {@code seq}, which ends a message when {@code last}. */
  static long sessionId(long seq, boolean last) {
    return last ? -(seq + 1) : seq;
  }

  /**
   * Takes the next chunk's session id; true if it completes a message.
   *
   * @throws IllegalStateException at the first gap, reorder or misplaced end of message
   */
  boolean accept(long sessionId) {
    boolean last = sessionId < 0;
    long seq = last ? -sessionId - 1 : sessionId;
    if (seq != next) {
      throw new IllegalStateException("chunk " + seq + " arrived where chunk " + next + " was expected ("
          + (seq > next ? "gap: chunks " + next + ".." + (seq - 1) + " missing" : "reordered or duplicated") + ")");
    }
    boolean shouldEnd = seq % chunksPerMessage == chunksPerMessage - 1;
    if (last != shouldEnd) {
      throw new IllegalStateException("chunk " + seq + (last ? " ends a message early" : " should end a message"));
    }
    next++;
    return last;
  }

  /** Chunks accepted so far. */
  long accepted() {
    return next;
  }
}
