package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.Keypair;
import org.quicmesh.nat.NatClassification;
import org.quicmesh.nat.NatType;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.NatBehavior;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.wire.Contact.Addresses;

/** The node's NAT verdict and STUN counters in status and telemetry, over the simulated network. */
class NatStatusSimTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private final SimNetwork network =
      new SimNetwork(KIT.system(), Clock.systemUTC(), LatencyModel.constant(Duration.ofMillis(5)), 11);

  @Test
  void aNodeBehindANatLearnsItsMappedAddressFromAPeersStunServerAndStatusShowsIt() {
    ActorRef<MeshNode.Command> server = KIT.spawn(MeshNode.create(MeshConfig.load(), Keypair.generate(),
        (system, kp, config) -> network.attach(kp), NodeEnvironment.system()));
    NodeStatus serverStatus = status(server);
    var box = network.addNat(NatBehavior.PORT_RESTRICTED_CONE);
    MeshConfig config = MeshConfig.load().withStunServers(List.of(serverStatus.listen().get(0)));
    ActorRef<MeshNode.Command> natted = KIT.spawn(MeshNode.create(config, Keypair.generate(),
        (system, kp, c) -> network.attach(kp, box), NodeEnvironment.system()));

    TestProbe<StatusReply<NatClassification>> probe = KIT.createTestProbe();
    natted.tell(new MeshNode.Nat(false, probe.ref()));
    NatClassification verdict = probe.receiveMessage(Duration.ofSeconds(30)).getValue();
    // One plain STUN server shows the mapping but cannot test filtering: the verdict says so instead of guessing.
    assertEquals(NatType.UNKNOWN, verdict.type());
    assertEquals(1, verdict.mapped().size());
    assertEquals(box.publicIp(), verdict.mapped().get(0).getAddress(), "mapped to the box's public IP");

    NodeStatus status = status(natted);
    assertEquals(verdict.mapped(), status.nat().orElseThrow().mapped());
    assertEquals(1L, status.telemetry().nat().detector().get("detections"));
    assertTrue(status.telemetry().nat().detector().get("stun.successes") >= 1, status.telemetry().nat().toString());
    assertEquals(1L, status(server).telemetry().nat().stunServer().requests(), "the peer's STUN server answered");

    // The mapped address joins our reachable addresses: our endpoint record names it for peers to dial.
    String mapped = Addresses.format(verdict.mapped().get(0));
    TestProbe<StatusReply<EndpointRecord>> records = KIT.createTestProbe();
    EndpointRecord record = null;
    for (int attempt = 0; attempt < 50 && (record == null || !record.addresses().contains(mapped)); attempt++) {
      natted.tell(new MeshNode.PublishAddress(records.ref()));
      record = records.receiveMessage(Duration.ofSeconds(10)).getValue();
    }
    assertTrue(record.addresses().contains(mapped), record.addresses() + " should name " + mapped);
    assertTrue(status(natted).observed().contains(verdict.mapped().get(0)));
  }

  private static NodeStatus status(ActorRef<MeshNode.Command> node) {
    TestProbe<StatusReply<NodeStatus>> probe = KIT.createTestProbe();
    node.tell(new MeshNode.GetStatus(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10)).getValue();
  }
}
