package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.pubsub.MessageId;
import org.quicmesh.simulation.SimulatedMesh.Member;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.Subscribe;

/**
 * The router restarts after a failure: it closes the streams it had open, the guardian re-subscribes its local
 * subscribers, and it streams with its peers again (who announce their subscriptions anew), so messages flow both ways.
 */
class GossipRouterSupervisionTest {
  private final SupervisedMesh mesh = new SupervisedMesh(10, 33).subscribeAll("chat");

  @AfterEach
  void close() {
    mesh.close();
  }

  @Test
  void subscribersOfARestartedRouterKeepReceivingAndItsPublishesStillArrive() {
    Member failing = mesh.nodes.get(4);
    mesh.fail(failing, NodeGuardian.Child.PUBSUB, null);
    mesh.cluster.advance(Duration.ofSeconds(15));

    publish(mesh.nodes.get(0), "to everyone");
    publish(failing, "from the restarted router");
    mesh.cluster.advance(Duration.ofSeconds(5));
    for (int n = 0; n < mesh.nodes.size(); n++) {
      List<String> got = mesh.inboxes.get(n).stream()
          .map(m -> new String(m.data(), StandardCharsets.UTF_8)).toList();
      int expected = n == 0 || n == 4 ? 1 : 2;
      assertEquals(expected, got.size(), "node " + n + " got " + got);
    }
    NodeStatus status = mesh.status(failing);
    assertEquals(List.of("chat"), status.telemetry().pubsub().subscribed());
    assertEquals(1L, status.telemetry().counters().get("restarts.pubsub"));
  }

  @Test
  void aRestartedRouterClosesTheStreamsItHadOpenAndOpensOneAgain() {
    Member failing = mesh.nodes.get(4);
    AtomicInteger opened = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    var witness = mesh.cluster.network().attach(Keypair.generate());
    witness.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        return CompletableFuture.completedFuture(new Ack());
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
        if (peer.equals(failing.keypair().nodeId())) {
          opened.incrementAndGet();
          messages.runWith(Sink.ignore(), mesh.cluster.system()).whenComplete((done, failure) -> ended.incrementAndGet());
        } else {
          messages.runWith(Sink.ignore(), mesh.cluster.system());
        }
      }
    });
    // The witness streams to the node and is in its routing table, so the node streams back.
    Source.<Message>single(new Subscribe("chat")).concat(Source.never())
        .runWith(witness.streamTo(Contact.of(failing.keypair().nodeId(), failing.address())), mesh.cluster.system());
    mesh.cluster.<Pong>ask(failing.node(), r -> new MeshNode.Ping(PeerTarget.of(witness.listenAddresses().get(0)), r));
    mesh.cluster.advance(Duration.ofSeconds(5));
    assertEquals(1, opened.get());
    assertEquals(0, ended.get());

    mesh.fail(failing, NodeGuardian.Child.PUBSUB, null);
    mesh.cluster.advance(Duration.ofSeconds(15));
    assertEquals(1, ended.get(), "the failed router's stream to the witness was closed");
    assertEquals(2, opened.get(), "the restarted router streams to it again, once");
  }

  private void publish(Member from, String text) {
    mesh.cluster.<MessageId>ask(from.node(),
        r -> new MeshNode.Publish("chat", text.getBytes(StandardCharsets.UTF_8), r));
  }
}
