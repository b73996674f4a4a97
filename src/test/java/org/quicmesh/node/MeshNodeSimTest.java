package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.SimNetwork;

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
}
