package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.transport.sim.SimTransport;
import org.quicmesh.wire.AppData;
import org.quicmesh.wire.ReachMe;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Contact.Addresses;
import org.quicmesh.wire.FindNode;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Nodes;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.RelayConnect;
import org.quicmesh.wire.Request;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.WhatIsMyAddr;
import org.quicmesh.wire.YourAddr;

class MeshNodeSimTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private final SimNetwork network =
      new SimNetwork(KIT.system(), Clock.systemUTC(), LatencyModel.constant(Duration.ofMillis(10)), 7);

  private ActorRef<MeshNode.Command> node(Keypair keypair) {
    TransportFactory sim = (system, kp, config) -> network.attach(kp);
    return KIT.spawn(MeshNode.create(MeshConfig.load(), keypair, sim, NodeEnvironment.system()));
  }

  private NodeStatus status(ActorRef<MeshNode.Command> node) {
    TestProbe<StatusReply<NodeStatus>> probe = KIT.createTestProbe();
    node.tell(new MeshNode.GetStatus(probe.ref()));
    return probe.receiveMessage().getValue();
  }

  @Test
  void nodesPingEachOtherAndRememberVerifiedPeers() {
    Keypair ka = Keypair.generate();
    Keypair kb = Keypair.generate();
    ActorRef<MeshNode.Command> a = node(ka);
    ActorRef<MeshNode.Command> b = node(kb);
    NodeStatus statusB = status(b);

    TestProbe<StatusReply<Pong>> probe = KIT.createTestProbe();
    a.tell(new MeshNode.Ping(PeerTarget.of(statusB.listen().get(0)), probe.ref()));
    Pong pong = probe.receiveMessage().getValue();
    assertEquals(kb.nodeId(), pong.peer());
    assertTrue(pong.rtt().toMillis() >= 20);

    // Now known by id: ping by NodeId works too, and b learned a from the inbound request.
    a.tell(new MeshNode.Ping(PeerTarget.of(kb.nodeId()), probe.ref()));
    assertEquals(kb.nodeId(), probe.receiveMessage().getValue().peer());
    assertEquals(1, status(a).peers().size());
    assertEquals(ka.nodeId(), status(b).peers().get(0).contact().id());
    assertEquals(2L, status(a).telemetry().counters().get("pings.sent"));
  }

  @Test
  void pingOfAnUnknownNodeIdFailsClearly() {
    ActorRef<MeshNode.Command> a = node(Keypair.generate());
    TestProbe<StatusReply<Pong>> probe = KIT.createTestProbe();
    a.tell(new MeshNode.Ping(PeerTarget.of(Keypair.generate().nodeId()), probe.ref()));
    StatusReply<Pong> reply = probe.receiveMessage();
    assertTrue(reply.isError());
    assertTrue(reply.getError().getMessage().contains("not found"), reply.getError().getMessage());
  }

  @Test
  void eachRequestFamilyReachesItsActor() throws Exception {
    ActorRef<MeshNode.Command> node = node(Keypair.generate());
    NodeStatus before = status(node);
    Contact target = Contact.of(before.nodeId(), before.listen().get(0));
    Keypair callerKeys = Keypair.generate();
    SimTransport caller = network.attach(callerKeys);
    caller.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        return CompletableFuture.failedFuture(new IllegalStateException("the caller serves nothing"));
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
        messages.runWith(Sink.cancelled(), KIT.system());
      }
    }).toCompletableFuture().get(5, TimeUnit.SECONDS);
    Contact me = Contact.of(callerKeys.nodeId(), caller.listenAddresses().get(0));

    // DHT family: only the Dht answers a Ping with Ack and a FindNode with Nodes (Endpoint would reject both).
    assertInstanceOf(Ack.class, ask(caller, target, new Ping(me)));
    Nodes nodes = assertInstanceOf(Nodes.class, ask(caller, target, new FindNode(me, callerKeys.nodeId())));
    assertTrue(nodes.nodes().stream().anyMatch(c -> c.id().equals(callerKeys.nodeId())), "the Dht learned the caller");

    // NAT family: Endpoint answers WhatIsMyAddr with the observed address and refuses what it does not serve yet in
    // its own words (the Dht would say "not a DHT request").
    YourAddr yourAddr = assertInstanceOf(YourAddr.class, ask(caller, target, new WhatIsMyAddr(me)));
    assertEquals(Addresses.format(caller.listenAddresses().get(0)), yourAddr.address());
    Rejected reachMe = assertInstanceOf(Rejected.class, ask(caller, target, new ReachMe(me, List.of())));
    assertEquals(Rejected.Reason.UNSUPPORTED, reachMe.reason());
    assertEquals("ReachMe is not served by this node", reachMe.detail());
    // Relay requests go to the relay server, which a node without --relay does not run.
    Rejected relay = assertInstanceOf(Rejected.class, ask(caller, target, new RelayConnect(me, callerKeys.nodeId())));
    assertEquals(Rejected.Reason.UNSUPPORTED, relay.reason());
    assertEquals("this node is not a relay", relay.detail());
    // Application data goes to the connection manager, which acknowledges it.
    assertInstanceOf(Ack.class, ask(caller, target, new AppData(me, 1, new byte[] {1, 2, 3})));
    NodeStatus status = status(node);
    assertEquals(1L, status.telemetry().counters().get("requests.in.WhatIsMyAddr"));
    assertEquals(1L, status.telemetry().counters().get("requests.unsupported"));
    caller.shutdown();
  }

  private static Response ask(SimTransport caller, Contact target, Request request) throws Exception {
    return caller.request(target, request, Duration.ofSeconds(3)).toCompletableFuture().get(5, TimeUnit.SECONDS)
        .response();
  }
}
