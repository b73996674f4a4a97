package org.quicmesh.dht;

/**
 * Counters of one finished (or in-progress) {@link LookupState}.
 *
 * @param rounds hop depth of the lookup: the length of the longest chain of sequential RPCs that led to a contact in
 *     the result. An initial candidate (from our own table) has depth 0; a contact first learned from the answer of a
 *     depth-d contact has depth d+1 (the smallest such d if several answers named it); querying a depth-d contact is
 *     hop d+1. {@code rounds} is the largest hop that contributed to the result: d+1 for an answered result contact
 *     of depth d, d for one only heard of (the answer naming it came at hop d), or the hop of the value holder when a
 *     FindValue lookup found a value; 0 when nobody answered
 * @param messagesSent requests handed out by {@link LookupState#next(long)}
 * @param answered contacts that answered (with closer nodes or a valid value)
 * @param failures requests that ended in an error ({@link LookupState#onFailure}) or an invalid reply
 * @param timeouts requests that hit the per-RPC timeout ({@link LookupState#onTimeout})
 * @param slow requests that passed the soft timeout ({@link LookupState#onSlow}), whether or not they answered later
 * @param silent requests that had passed the soft timeout and were still unanswered when the lookup finished (the
 *     lookup did not wait for them; most are dead peers)
 * @param ignoredReplies replies from contacts we had no request outstanding with (unsolicited, duplicate or late)
 * @param elapsedMillis from the first {@code next} to the last event that changed the state
 */
public record LookupStats(
    int rounds,
    int messagesSent,
    int answered,
    int failures,
    int timeouts,
    int slow,
    int silent,
    int ignoredReplies,
    long elapsedMillis) {

  /** Requests that did not produce a usable answer: errors, timeouts and requests left silent at the end. */
  public int failedRpcs() {
    return failures + timeouts + silent;
  }
}
