package org.quicmesh.transport;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Response;

/**
 * Receives what peers send. Called on transport threads: implementations must not block (answer with a stage, e.g.
 * from an actor ask). A failed or slow stage affects only that request.
 */
public interface InboundHandler {

  /** Answers one verified request. A stage failing is answered to the peer as an error reply. */
  CompletionStage<Response> onRequest(InboundRequest request);

  /**
   * A peer opened a long-lived message stream to us. The handler must materialise {@code messages} (backpressure
   * flows to the sender while it does not read); not running it cancels the stream.
   */
  void onStream(NodeId peer, Source<org.quicmesh.wire.Message, NotUsed> messages);
}
