package org.quicmesh.pubsub;

import java.util.List;
import org.quicmesh.wire.Publish;

/**
 * What {@link MessageCache#answerIWant} sends back to one IWant, and what it ignored.
 *
 * @param messages the messages to send, in the order asked
 * @param unknown ids we do not hold (never had, or already shifted out of the cache)
 * @param overRetransmissionLimit ids already sent to this peer the maximum number of times
 * @param overPeerBudget ids refused because the peer used up its answers for this heartbeat
 */
record IWantAnswer(List<Publish> messages, int unknown, int overRetransmissionLimit, int overPeerBudget) {
  public IWantAnswer {
    messages = List.copyOf(messages);
  }

  /** Ids asked for but not answered. */
  public int ignored() {
    return unknown + overRetransmissionLimit + overPeerBudget;
  }
}
