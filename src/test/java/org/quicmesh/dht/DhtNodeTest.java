package org.quicmesh.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.NodeStatus;
import org.quicmesh.simulation.SimCluster;
import org.quicmesh.simulation.SimulatedMesh.Member;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.TransportException;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.SimTransport;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.FindNode;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.Store;

/** The DHT of real node behaviors over the simulated network, in virtual time. */
class DhtNodeTest {
  private SimCluster cluster;
  private final List<Member> nodes = new ArrayList<>();

  @BeforeEach
  void joinTwentyNodes() {
    cluster = new SimCluster(11, LatencyModel.uniformRtt(Duration.ofMillis(20), Duration.ofMillis(100), 11));
    MeshConfig config = MeshConfig.load();
    nodes.add(cluster.spawn(config));
    for (int i = 1; i < 20; i++) {
      nodes.add(cluster.spawn(config.withBootstrap(List.of(nodes.get(i - 1).address()))));
      cluster.advance(Duration.ofMillis(200));
    }
    cluster.advance(Duration.ofSeconds(30));
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private NodeStatus status(Member m) {
    return cluster.ask(m.node(), MeshNode.GetStatus::new);
  }

  @Test
  void everyNodeJoinsAndFindsEveryOtherByLookup() {
    for (Member m : nodes) {
      assertTrue(status(m).telemetry().dht().bootstrap().startsWith("joined")
          || m == nodes.get(0), status(m).telemetry().dht().bootstrap());
    }
    for (Member target : List.of(nodes.get(0), nodes.get(7), nodes.get(19))) {
      LookupResult result = cluster.ask(nodes.get(3).node(), r -> new MeshNode.FindNode(target.keypair().nodeId(), r));
      if (target != nodes.get(3)) {
        assertEquals(target.keypair().nodeId(), result.closest().get(0).id());
      }
    }
  }

  @Test
  void aValuePutOnOneNodeIsFoundFromEveryOther() {
    byte[] value = "a value".getBytes(StandardCharsets.UTF_8);
    PutResult put = cluster.ask(nodes.get(4).node(), r -> new MeshNode.Put(value, r));
    assertEquals(Key.forContent(value), put.key());
    assertTrue(put.replicas() >= 10, "replicas " + put.replicas());
    for (Member m : nodes) {
      assertArrayEquals(value, cluster.ask(m.node(), r -> new MeshNode.Get(put.key(), r)));
    }
  }

  @Test
  void aMissingValueIsReportedNotFound() {
    Key missing = Key.forContent(new byte[] {1, 2, 3});
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> cluster.<byte[]>ask(nodes.get(2).node(), r -> new MeshNode.Get(missing, r)));
    assertEquals("not found", e.getMessage());
  }

  @Test
  void valuesOutliveTheirTtlBecauseTheirPublisherRepublishes() {
    byte[] value = "long-lived".getBytes(StandardCharsets.UTF_8);
    PutResult put = cluster.ask(nodes.get(5).node(), r -> new MeshNode.Put(value, r));
    cluster.advance(Duration.ofHours(25));
    assertArrayEquals(value, cluster.ask(nodes.get(12).node(), r -> new MeshNode.Get(put.key(), r)));
  }

  @Test
  void endpointRecordsResolveAndForgedExpiredOrReplayedOnesAreRefused() {
    Member owner = nodes.get(6);
    EndpointRecord published = cluster.ask(owner.node(), MeshNode.PublishAddress::new);
    EndpointRecord resolved = cluster.ask(nodes.get(15).node(), r -> new MeshNode.Resolve(owner.keypair().nodeId(), r));
    assertEquals(published.sequence(), resolved.sequence());
    assertEquals(List.of(owner.address().getAddress().getHostAddress() + ":4000"), resolved.addresses());

    Keypair attacker = Keypair.generate();
    SimTransport raw = rawPeer(attacker);
    Contact from = Contact.of(attacker.nodeId(), raw.listenAddresses().get(0));
    Contact victim = Contact.of(nodes.get(15).keypair().nodeId(), nodes.get(15).address());
    byte[] key = Key.forEndpointRecord(owner.keypair().nodeId()).bytes();
    long now = System.currentTimeMillis();

    // Forged: claims the owner's key, signed by the attacker.
    EndpointRecord signedByAttacker = EndpointRecord.sign(attacker, List.of("127.9.9.9:4000"), List.of(),
        published.sequence() + 1, published.expiresAt());
    EndpointRecord forged = new EndpointRecord(owner.keypair().publicKey(), signedByAttacker.addresses(),
        List.of(), signedByAttacker.sequence(), signedByAttacker.expiresAt(), signedByAttacker.signature());
    assertRejected(raw, victim, new Store(from, key, forged.toBytes(), 60_000));
    // Replayed: an older sequence number of the owner's own, genuinely signed.
    EndpointRecord older = EndpointRecord.sign(owner.keypair(), List.of("127.9.9.9:4000"), List.of(),
        published.sequence() - 1, published.expiresAt());
    assertRejected(raw, victim, new Store(from, key, older.toBytes(), 60_000));
    // Expired.
    EndpointRecord expired = EndpointRecord.sign(owner.keypair(), List.of("127.9.9.9:4000"), List.of(),
        published.sequence() + 5, 1_000);
    assertRejected(raw, victim, new Store(from, key, expired.toBytes(), 60_000));

    EndpointRecord again = cluster.ask(nodes.get(15).node(), r -> new MeshNode.Resolve(owner.keypair().nodeId(), r));
    assertEquals(published.sequence(), again.sequence());
    assertEquals(published.addresses(), again.addresses());
    assertTrue(now > 0);
  }

  @Test
  void afterAPartialUpdateResolveAnswersWithTheHighestSequenceAndRepairsOlderCopies() {
    Member owner = nodes.get(6);
    EndpointRecord published = cluster.ask(owner.node(), MeshNode.PublishAddress::new);
    Key key = Key.forEndpointRecord(owner.keypair().nodeId());
    List<Member> byDistance = new java.util.ArrayList<>(nodes);
    byDistance.remove(owner);
    byDistance.sort((a, b) -> key.toNodeId().compareDistance(a.keypair().nodeId(), b.keypair().nodeId()));
    // The update reaches only the 4th to 8th closest nodes: the three closest still hold the old sequence.
    EndpointRecord newer = EndpointRecord.sign(owner.keypair(), List.of("127.9.9.9:4000"), List.of(),
        published.sequence() + 10, published.expiresAt());
    Keypair courier = Keypair.generate();
    SimTransport raw = rawPeer(courier);
    Contact from = Contact.of(courier.nodeId(), raw.listenAddresses().get(0));
    for (Member holder : byDistance.subList(3, 8)) {
      Response stored = send(raw, Contact.of(holder.keypair().nodeId(), holder.address()),
          new Store(from, key.bytes(), newer.toBytes(), 60_000));
      assertInstanceOf(org.quicmesh.wire.Ack.class, stored);
    }
    Member resolver = byDistance.get(byDistance.size() - 1);
    EndpointRecord resolved = cluster.ask(resolver.node(), r -> new MeshNode.Resolve(owner.keypair().nodeId(), r));
    assertEquals(newer.sequence(), resolved.sequence());
    assertEquals(List.of("127.9.9.9:4000"), resolved.addresses());
    assertTrue(status(resolver).telemetry().dht().counters().getOrDefault("records.read_repaired", 0L) >= 3,
        "the holders of the old sequence were given the new one");
    Member closest = byDistance.get(0);
    EndpointRecord fromClosest = cluster.ask(closest.node(), r -> new MeshNode.Resolve(owner.keypair().nodeId(), r));
    assertEquals(newer.sequence(), fromClosest.sequence());
  }

  @Test
  void aPutWithoutAnyReachablePeerSaysTheValueLivesOnlyHere() {
    Member lonely = cluster.spawn(MeshConfig.load());
    PutResult put = cluster.ask(lonely.node(), r -> new MeshNode.Put(new byte[] {1, 2}, r));
    assertEquals(0, put.replicas());
    assertTrue(put.localOnly());
    assertEquals(1L, status(lonely).telemetry().dht().counters().get("store.put_local_only"));
    assertTrue(cluster.<Boolean>ask(lonely.node(), r -> new MeshNode.HoldsValue(put.key(), r)));
  }

  @Test
  void storeRequestsWithAWrongKeyOrTooFastAreRejectedWithTheirReason() {
    Keypair peer = Keypair.generate();
    SimTransport raw = rawPeer(peer);
    Contact from = Contact.of(peer.nodeId(), raw.listenAddresses().get(0));
    Contact target = Contact.of(nodes.get(3).keypair().nodeId(), nodes.get(3).address());
    byte[] value = {42};
    Response wrongKey = send(raw, target, new Store(from, new byte[32], value, 60_000));
    assertEquals(Rejected.Reason.KEY_MISMATCH, assertInstanceOf(Rejected.class, wrongKey).reason());
    Response last = null;
    for (int i = 0; i < 25; i++) {
      byte[] v = {(byte) i, 7};
      last = send(raw, target, new Store(from, Key.forContent(v).bytes(), v, 60_000));
    }
    assertEquals(Rejected.Reason.RATE_LIMITED, assertInstanceOf(Rejected.class, last).reason());
    // Other peers are unaffected.
    byte[] other = "other".getBytes(StandardCharsets.UTF_8);
    assertTrue(cluster.<PutResult>ask(nodes.get(8).node(), r -> new MeshNode.Put(other, r)).replicas() > 0);
  }

  @Test
  void aSpoofedFromNeverEntersTheRoutingTable() {
    Keypair sender = Keypair.generate();
    NodeId impostor = Keypair.generate().nodeId();
    SimTransport raw = rawPeer(sender);
    Contact target = Contact.of(nodes.get(9).keypair().nodeId(), nodes.get(9).address());
    Contact spoofed = new Contact(impostor, raw.listenAddresses().get(0).getAddress().getHostAddress() + ":4000");
    CompletableFuture<Reply> reply = cluster.await(raw.request(target, new FindNode(spoofed, impostor),
        Duration.ofSeconds(5)));
    assertTrue(reply.isCompletedExceptionally());
    TransportException failure = assertThrows(TransportException.class, () -> {
      try {
        reply.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause();
      }
    });
    assertEquals(TransportException.Kind.REJECTED, failure.kind());
    NodeStatus status = status(nodes.get(9));
    assertFalse(status.peers().stream().anyMatch(p -> p.contact().id().equals(impostor)));
    assertFalse(status.peers().stream().anyMatch(p -> p.contact().id().equals(sender.nodeId())));
  }

  @Test
  void anEndpointRecordNoNodeTookIsPublishedAgainWithBackoff() {
    Member lonely = cluster.spawn(MeshConfig.load());
    cluster.ask(lonely.node(), MeshNode.PublishAddress::new);
    cluster.advance(Duration.ofSeconds(20));
    long unstored = status(lonely).telemetry().dht().counters().getOrDefault("records.publish_unstored", 0L);
    // Published, then again after 2, 4 and 8 s: four tries, none taken (nobody to take it).
    assertTrue(unstored >= 4 && unstored <= 5, "retried with backoff: " + unstored);
  }

  @Test
  void bootstrapWithoutAnAnsweringSeedSaysSoAndRetries() {
    Member lonely = cluster.spawn(MeshConfig.load().withBootstrap(List.of(cluster.network().nextAddress())));
    cluster.advance(Duration.ofSeconds(20));
    String state = status(lonely).telemetry().dht().bootstrap();
    assertTrue(state.startsWith("failed: no seed answered; retrying in"), state);
    assertTrue(status(lonely).telemetry().dht().counters().get("bootstrap.seed_failed") >= 2,
        "it retried with backoff");
  }

  private SimTransport rawPeer(Keypair keypair) {
    SimTransport raw = cluster.network().attach(keypair);
    raw.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        return CompletableFuture.failedFuture(new IllegalStateException("raw peer serves nothing"));
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {}
    });
    return raw;
  }

  private Response send(SimTransport raw, Contact to, org.quicmesh.wire.Request request) {
    return cluster.await(raw.request(to, request, Duration.ofSeconds(5))).join().response();
  }

  private void assertRejected(SimTransport raw, Contact to, Store store) {
    Response response = send(raw, to, store);
    assertInstanceOf(Rejected.class, response, "refused: " + response);
  }
}
