package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.nat.NatClassification;
import org.quicmesh.nat.NatEvidence.Via;
import org.quicmesh.nat.NatType;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.NatBehavior;
import org.quicmesh.transport.sim.NatBox;
import org.quicmesh.transport.sim.SimNetwork;

/**
 * With mesh peers alone (no STUN server configured, no RFC 5780 observer anywhere) a node behind each of the five
 * simulated NATs classifies it correctly: peers report its mapping, dial-backs from peers test its filtering.
 */
class DialBackSimTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final int PUBLIC_NODES = 24;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private final SimNetwork network =
      new SimNetwork(KIT.system(), Clock.systemUTC(), LatencyModel.constant(Duration.ofMillis(5)), 17);

  /**
   * Small buckets, so a node does not meet every peer of a small mesh within seconds: dial-backs from another IP need
   * a peer it never sent to, as they would in a large mesh.
   */
  private final MeshConfig config = MeshConfig.fromConfig(ConfigFactory.parseString("""
      quicmesh.nat.detection.retry-without-observers = 300ms
      quicmesh.dht { k-initial = 4, k-min = 4, k-max = 4, result-size = 4 }
      """).withFallback(ConfigFactory.load()));

  @Test
  void behindEachSimulatedNatTheNodeClassifiesItWithPeersAlone() {
    ActorRef<MeshNode.Command> seed = spawn(config, null);
    var seedAddress = status(seed).listen().get(0);
    MeshConfig joining = config.withBootstrap(List.of(seedAddress));
    for (int i = 1; i < PUBLIC_NODES; i++) {
      spawn(joining, null);
    }
    sleep(1500); // the public mesh forms: peers know peers the natted nodes will never contact
    Map<NatType, ActorRef<MeshNode.Command>> natted = new LinkedHashMap<>();
    natted.put(NatType.NONE, spawn(joining, network.addNat(NatBehavior.NONE)));
    natted.put(NatType.FULL_CONE, spawn(joining, network.addNat(NatBehavior.FULL_CONE)));
    natted.put(NatType.RESTRICTED_CONE, spawn(joining, network.addNat(NatBehavior.RESTRICTED_CONE)));
    natted.put(NatType.PORT_RESTRICTED_CONE, spawn(joining, network.addNat(NatBehavior.PORT_RESTRICTED_CONE)));
    natted.put(NatType.SYMMETRIC, spawn(joining, network.addNat(NatBehavior.SYMMETRIC)));

    natted.forEach((expected, node) -> {
      NatClassification verdict = verdictWithTwoObservers(node);
      assertEquals(expected, verdict.type(), verdict.toString());
      if (expected == NatType.FULL_CONE || expected == NatType.RESTRICTED_CONE
          || expected == NatType.PORT_RESTRICTED_CONE) {
        assertTrue(verdict.evidence().filtering().stream().allMatch(p -> p.via() == Via.DIAL_BACK),
            "filtering was tested by dial-backs alone: " + verdict.evidence());
      }
    });
  }

  private NatClassification verdictWithTwoObservers(ActorRef<MeshNode.Command> node) {
    TestProbe<StatusReply<NatClassification>> probe = KIT.createTestProbe();
    NatClassification verdict = null;
    for (int attempt = 0; attempt < 40 && (verdict == null || verdict.evidence().mappings().size() < 2); attempt++) {
      node.tell(new MeshNode.Nat(false, probe.ref()));
      verdict = probe.receiveMessage(Duration.ofSeconds(30)).getValue();
      if (verdict.evidence().mappings().size() < 2) {
        sleep(250);
      }
    }
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

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
