package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.nat.MappingBehavior;
import org.quicmesh.nat.NatClassification;
import org.quicmesh.nat.NatType;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.NatBehavior;
import org.quicmesh.transport.sim.NatBox;
import org.quicmesh.transport.sim.SimNetwork;

/** Without configured STUN servers a node asks its routing-table peers (each a STUN server on its port). */
class MeshObserversSimTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private final SimNetwork network =
      new SimNetwork(KIT.system(), Clock.systemUTC(), LatencyModel.constant(Duration.ofMillis(5)), 13);

  private final MeshConfig config = MeshConfig.fromConfig(ConfigFactory.parseString(
      "quicmesh.nat.detection.retry-without-observers = 300ms").withFallback(ConfigFactory.load()));

  @Test
  void behindAConeTheNodeLearnsItsMappedAddressAndAnEndpointIndependentMappingFromPeers() {
    NatClassification verdict = detectBehind(network.addNat(NatBehavior.PORT_RESTRICTED_CONE));
    assertEquals(MappingBehavior.ENDPOINT_INDEPENDENT, verdict.mapping());
    assertEquals(NatType.UNKNOWN, verdict.type(), "peers it all talks to can neither test filtering nor dial back from an uncontacted IP, and the verdict says so");
    assertEquals(1, verdict.mapped().size());
  }

  @Test
  void behindASymmetricNatPeersSeeDifferentPortsAndTheVerdictIsSymmetric() {
    NatClassification verdict = detectBehind(network.addNat(NatBehavior.SYMMETRIC));
    assertEquals(NatType.SYMMETRIC, verdict.type());
    assertTrue(verdict.mapped().size() >= 2, verdict.mapped().toString());
  }

  private NatClassification detectBehind(NatBox box) {
    ActorRef<MeshNode.Command> seed = spawn(config, null);
    var seedAddress = status(seed).listen().get(0);
    spawn(config.withBootstrap(List.of(seedAddress)), null);
    spawn(config.withBootstrap(List.of(seedAddress)), null);
    ActorRef<MeshNode.Command> natted = spawn(config.withBootstrap(List.of(seedAddress)), box);
    TestProbe<StatusReply<NatClassification>> probe = KIT.createTestProbe();
    NatClassification verdict = null;
    for (int attempt = 0; attempt < 40 && (verdict == null || verdict.evidence().mappings().size() < 2); attempt++) {
      natted.tell(new MeshNode.Nat(false, probe.ref()));
      verdict = probe.receiveMessage(Duration.ofSeconds(30)).getValue();
      if (verdict.evidence().mappings().size() < 2) {
        sleep();
      }
    }
    assertTrue(verdict.evidence().mappings().size() >= 2, "two peers with different IPs observed: " + verdict);
    assertTrue(verdict.mapped().stream().allMatch(a -> a.getAddress().equals(box.publicIp())), verdict.toString());
    return verdict;
  }

  private ActorRef<MeshNode.Command> spawn(MeshConfig c, NatBox box) {
    TransportFactory sim = (system, kp, conf) -> box == null ? network.attach(kp) : network.attach(kp, box);
    return KIT.spawn(MeshNode.create(c, Keypair.generate(), sim, NodeEnvironment.system()));
  }

  private static NodeStatus status(ActorRef<MeshNode.Command> node) {
    TestProbe<StatusReply<NodeStatus>> probe = KIT.createTestProbe();
    node.tell(new MeshNode.GetStatus(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10)).getValue();
  }

  private static void sleep() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
