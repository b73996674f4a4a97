package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.PeerTarget;
import org.quicmesh.simulation.SimCluster;
import org.quicmesh.simulation.SimulatedMesh.Member;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Graft;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.Subscribe;

/** A publish is reported sent only when a peer link accepted it; otherwise the reply says why not. */
class PublishAcceptanceTest {
  private final SimCluster cluster = new SimCluster(41, LatencyModel.constant(Duration.ofMillis(10)));

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void whenEveryPeerLinkIsFullThePublishFailsNamingSlowPeers() {
    Member publisher = cluster.spawn(MeshConfig.load());
    var lazy = cluster.network().attach(Keypair.generate());
    lazy.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        return CompletableFuture.completedFuture(new Ack());
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
        // Never materialised: this peer reads nothing, so our link to it backs up.
      }
    });
    // The publisher streams back only to peers it can locate: put the lazy peer in its routing table first.
    cluster.tell(publisher.node(), new MeshNode.Ping(PeerTarget.of(lazy.listenAddresses().get(0)),
        cluster.collector(new ArrayList<>())));
    cluster.advance(Duration.ofSeconds(1));
    // The first Subscribe opens the stream (and is dropped: the publisher has no stream back yet); once it located
    // the lazy peer and streams to it, the announcement and a Graft are repeated.
    Source.<Message>single(new Subscribe("chat"))
        .concat(Source.<Message>from(List.of(new Subscribe("chat"), new Graft("chat")))
            .initialDelay(Duration.ofSeconds(20)))
        .concat(Source.never())
        .runWith(lazy.streamTo(Contact.of(publisher.keypair().nodeId(), publisher.address())), cluster.system());
    cluster.advance(Duration.ofSeconds(35));

    List<StatusReply<MessageId>> replies = new ArrayList<>();
    var sink = cluster.<StatusReply<MessageId>>collector(replies);
    byte[] kilobyte = new byte[1024];
    // 4,500 x 1 KiB is more than the 4 MiB a peer's queue may hold.
    for (int i = 0; i < 4500; i++) {
      publisher.node().tell(new MeshNode.Publish("chat", kilobyte, sink));
    }
    cluster.advance(Duration.ofSeconds(1));
    assertEquals(4500, replies.size());
    long accepted = replies.stream().filter(StatusReply::isSuccess).count();
    assertTrue(accepted > 3000 && accepted < 4500, "accepted until the queue was full: " + accepted + ", first "
        + replies.get(0));
    StatusReply<MessageId> last = replies.get(replies.size() - 1);
    assertTrue(last.isError());
    assertTrue(last.getError().getMessage().contains("1 of 1 peer(s) read too slowly"), last.getError().getMessage());
  }
}
