package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Publish;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.Subscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.NodeStatus;
import org.quicmesh.simulation.SimCluster;
import org.quicmesh.simulation.SimulatedMesh.Member;
import org.quicmesh.transport.sim.LatencyModel;

/** GossipSub between real node behaviors over the simulated network, in virtual time. */
class GossipNodeTest {
  private SimCluster cluster;
  private final List<Member> nodes = new ArrayList<>();
  private final List<List<ReceivedMessage>> inboxes = new ArrayList<>();

  @BeforeEach
  void joinAndSubscribe() {
    cluster = new SimCluster(21, LatencyModel.uniformRtt(Duration.ofMillis(20), Duration.ofMillis(100), 21));
    MeshConfig config = MeshConfig.load();
    nodes.add(cluster.spawn(config));
    for (int i = 1; i < 30; i++) {
      nodes.add(cluster.spawn(config.withBootstrap(List.of(nodes.get(i - 1).address()))));
      cluster.advance(Duration.ofMillis(100));
    }
    cluster.advance(Duration.ofSeconds(20));
    for (Member m : nodes) {
      List<ReceivedMessage> inbox = new ArrayList<>();
      inboxes.add(inbox);
      cluster.tell(m.node(), new MeshNode.Subscribe("chat", cluster.collector(inbox)));
    }
    cluster.advance(Duration.ofSeconds(10));
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void everySubscriberReceivesEveryMessageOnce() {
    for (int i = 0; i < 5; i++) {
      byte[] data = ("message " + i).getBytes(StandardCharsets.UTF_8);
      cluster.<MessageId>ask(nodes.get(i * 5).node(), r -> new MeshNode.Publish("chat", data, r));
    }
    cluster.advance(Duration.ofSeconds(5));
    for (int n = 0; n < nodes.size(); n++) {
      // Publishers (nodes 0, 5, .., 20) do not receive their own message.
      int expected = n % 5 == 0 && n < 25 ? 4 : 5;
      assertEquals(expected, inboxes.get(n).size(), "node " + n);
    }
  }

  @Test
  void meshPeersThatOnlySendLateCopiesAreChokedAndEveryMessageStillArrives() {
    long duplicatesBefore = total("duplicates");
    publishRound(0, 100);
    long duplicatesFirst = total("duplicates") - duplicatesBefore;
    publishRound(100, 100);
    long duplicatesSecond = total("duplicates") - duplicatesBefore - duplicatesFirst;
    for (int n = 0; n < nodes.size(); n++) {
      int own = 0;
      for (int i = 0; i < 200; i++) {
        own += i % nodes.size() == n ? 1 : 0;
      }
      assertEquals(200 - own, inboxes.get(n).size(), "node " + n);
    }
    assertTrue(total("chokes.received") > 0, "late mesh peers were choked");
    assertEquals(0, total("rejected.choke-outside-mesh"));
    long announcements = total("announcements.sent");
    long announced = total("announcements.ids");
    assertTrue(announcements > 0 && announced > 1.5 * announcements,
        "announcements to choking peers go out in batches: " + announced + " ids in " + announcements + " IHaves");
    assertTrue(duplicatesSecond < 0.8 * duplicatesFirst,
        "duplicates fall once choking has learned: " + duplicatesFirst + " -> " + duplicatesSecond);
  }

  /** {@code count} messages from nodes in turn, 10 per virtual second, then 5 s to settle. */
  private void publishRound(int first, int count) {
    var sink = cluster.<org.apache.pekko.pattern.StatusReply<MessageId>>collector(new ArrayList<>());
    for (int i = first; i < first + count; i++) {
      byte[] data = ("message " + i).getBytes(StandardCharsets.UTF_8);
      nodes.get(i % nodes.size()).node().tell(new MeshNode.Publish("chat", data, sink));
      cluster.advance(Duration.ofMillis(100));
    }
    cluster.advance(Duration.ofSeconds(5));
  }

  /** A pub/sub counter summed over all nodes. */
  private long total(String counter) {
    long sum = 0;
    for (Member m : nodes) {
      NodeStatus status = cluster.ask(m.node(), MeshNode.GetStatus::new);
      sum += status.telemetry().pubsub().counters().getOrDefault(counter, 0L);
    }
    return sum;
  }

  @Test
  void meshesFormWithinTheDegreeBounds() {
    for (Member m : nodes) {
      NodeStatus status = cluster.ask(m.node(), MeshNode.GetStatus::new);
      assertTrue(status.telemetry().pubsub().peers() >= 4, "peers " + status.telemetry().pubsub().peers());
      TopicStatus chat = status.telemetry().pubsub().meshes().get(0);
      PubSubSettings settings = PubSubSettings.defaults();
      assertEquals("chat", chat.topic());
      assertTrue(chat.ready() && chat.mesh() >= settings.dLow() && chat.mesh() <= settings.dHigh(), chat.toString());
      assertTrue(chat.meshRttMedianMs() >= 20 && chat.meshRttMedianMs() <= 100, "RTTs measured: " + chat);
    }
  }

  @Test
  void aForgedMessageIsDroppedCountedAndNeverForwarded() {
    Keypair attacker = Keypair.generate();
    Keypair victim = nodes.get(9).keypair();
    var raw = cluster.network().attach(attacker);
    raw.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(
          InboundRequest request) {
        return CompletableFuture.completedFuture(new Ack());
      }

      @Override
      public void onStream(NodeId peer,
          Source<Message, NotUsed> messages) {
        messages.runWith(Sink.ignore(), cluster.system());
      }
    });
    // Claims to come from node 9 but is signed by the attacker; then the same text, genuinely signed by the attacker.
    Publish genuine = SignedMessages.sign(attacker, "chat", 1, "hi".getBytes(StandardCharsets.UTF_8));
    Publish forged = new Publish("chat", victim.publicKey(), 7,
        "send me money".getBytes(StandardCharsets.UTF_8), genuine.signature());
    Source.<Message>from(List.of(
            new Subscribe("chat"), forged, genuine))
        .runWith(raw.streamTo(Contact.of(nodes.get(0).keypair().nodeId(), nodes.get(0).address())),
            cluster.system());
    cluster.advance(Duration.ofSeconds(5));

    for (List<ReceivedMessage> inbox : inboxes) {
      assertTrue(inbox.stream().noneMatch(m -> new String(m.data(), StandardCharsets.UTF_8).equals("send me money")));
    }
    assertEquals(inboxes.size(), inboxes.stream().filter(inbox -> inbox.stream()
        .anyMatch(m -> m.origin().equals(attacker.nodeId()))).count(), "the genuine message reached everyone");
    NodeStatus first = cluster.ask(nodes.get(0).node(), MeshNode.GetStatus::new);
    assertEquals(1L, first.telemetry().pubsub().counters().get("rejected.invalid-signature"));
    long elsewhere = 0;
    for (Member m : nodes.subList(1, nodes.size())) {
      NodeStatus status = cluster.ask(m.node(), MeshNode.GetStatus::new);
      elsewhere += status.telemetry().pubsub().counters().getOrDefault("rejected.invalid-signature", 0L);
    }
    assertEquals(0, elsewhere, "nobody else ever saw the forged message");
  }

  @Test
  void aPeerThatStopsReadingIsPrunedInsteadOfGrowingAQueue() {
    Keypair lazy = Keypair.generate();
    var raw = cluster.network().attach(lazy);
    raw.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        return CompletableFuture.completedFuture(new Ack());
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
        // Never materialised: this peer reads nothing, so its link backs up.
      }
    });
    Member publisher = nodes.get(0);
    Source.<Message>from(List.of(new Subscribe("chat"), new org.quicmesh.wire.Graft("chat")))
        .concat(Source.never())
        .runWith(raw.streamTo(Contact.of(publisher.keypair().nodeId(), publisher.address())), cluster.system());
    cluster.advance(Duration.ofSeconds(3));
    // The publisher only streams back to peers it can locate: put the lazy peer in its routing table.
    cluster.tell(publisher.node(), new MeshNode.Ping(org.quicmesh.node.PeerTarget.of(raw.listenAddresses().get(0)),
        cluster.collector(new ArrayList<>())));
    cluster.advance(Duration.ofSeconds(35));

    var sink = cluster.<org.apache.pekko.pattern.StatusReply<MessageId>>collector(new ArrayList<>());
    byte[] kilobyte = new byte[1024];
    // 4,500 x 1 KiB is more than the 4 MiB a peer's queue may hold.
    for (int i = 0; i < 4500; i++) {
      publisher.node().tell(new MeshNode.Publish("chat", kilobyte, sink));
      if (i % 500 == 0) {
        cluster.advance(Duration.ofMillis(100));
      }
    }
    cluster.advance(Duration.ofSeconds(10));
    NodeStatus status = cluster.ask(publisher.node(), MeshNode.GetStatus::new);
    assertTrue(status.telemetry().pubsub().counters().getOrDefault("peers.slow", 0L) >= 1,
        "the lazy peer was detected: " + status.telemetry().pubsub().counters());
    assertTrue(status.telemetry().pubsub().counters().getOrDefault("prunes.slow_peer", 0L) >= 1,
        "and pruned from the mesh");
    assertTrue(inboxes.get(1).size() >= 4500, "healthy subscribers still got everything: " + inboxes.get(1).size());
  }

  @Test
  void publishingToATopicWithoutPeersFailsClearly() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> cluster.<MessageId>ask(nodes.get(3).node(), r -> new MeshNode.Publish("empty-topic", new byte[] {1}, r)));
    assertTrue(e.getMessage().contains("no peer is known for topic"), e.getMessage());
  }
}
