package org.quicmesh.nat;

import java.util.Map;

/**
 * Counters of a node's STUN server.
 *
 * @param requests Binding requests answered (errors included)
 * @param errorAnswers requests answered with an error (unknown comprehension-required attributes, CHANGE-REQUEST
 *     without alternate addresses, methods other than Binding)
 * @param sendFailures answers the socket refused to send
 * @param malformed datagrams that looked like STUN but were not well-formed, by reason
 */
public record StunServerStats(long requests, long errorAnswers, long sendFailures, Map<String, Long> malformed) {
  public StunServerStats {
    malformed = Map.copyOf(malformed);
  }
}
