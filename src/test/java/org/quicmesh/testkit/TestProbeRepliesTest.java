package org.quicmesh.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.NodeStatus;
import org.quicmesh.node.PeerTarget;
import org.quicmesh.node.Pong;

/** Pekko testkit conventions: a TestProbe as a simulated node's replyTo, beside TestKitJUnit5Extension. */
@ExtendWith(TestKitJUnit5Extension.class)
class TestProbeRepliesTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @Test
  void aTestProbeReceivesASimulatedNodesRepliesOnceVirtualTimeRuns() {
    try (MeshSimulation mesh = MeshSimulation.builder().nodes(6).seed(9).build()) {
      TestProbe<StatusReply<NodeStatus>> status = TestProbe.create(mesh.system());
      mesh.node(2).tell(new MeshNode.GetStatus(status.ref()));
      mesh.runFor(Duration.ofMillis(1));
      StatusReply<NodeStatus> reply = status.receiveMessage();
      assertEquals(mesh.node(2).id(), reply.getValue().nodeId());

      TestProbe<StatusReply<Pong>> pong = TestProbe.create(mesh.system());
      mesh.node(0).ref().tell(new MeshNode.Ping(PeerTarget.of(mesh.node(5).id()), pong.ref()));
      mesh.runFor(Duration.ofSeconds(5));
      assertEquals(mesh.node(5).id(), pong.receiveMessage().getValue().peer());
      pong.expectNoMessage(Duration.ofMillis(10));
    }
  }

  @Test
  void theExtensionsOwnActorSystemIsUnaffected() {
    try (MeshSimulation mesh = MeshSimulation.builder().nodes(2).seed(1).build()) {
      TestProbe<String> probe = testKit.createTestProbe();
      probe.ref().tell("real time");
      probe.expectMessage("real time");
      assertTrue(mesh.elapsed().toMillis() > 0);
    }
  }
}
