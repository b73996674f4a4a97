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
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.NatClassification;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.NatBehavior;
import org.quicmesh.transport.sim.NatBox;
import org.quicmesh.transport.sim.SimNetwork;

/**
 * Behind a port-restricted NAT whose mappings expire after 1 s of silence, keepalives keep the node reachable by its
 * peers at its mapped address; without them the peer's ping is filtered once the node has been idle a while.
 */
class KeepaliveSimTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration MAPPING_LIFETIME = Duration.ofSeconds(1);

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void keepalivesKeepAnIdleNatedNodeReachable() throws Exception {
    Setup setup = new Setup("200ms");
    Thread.sleep(MAPPING_LIFETIME.multipliedBy(3).toMillis());
    StatusReply<Pong> pong = setup.pingFromSeed();
    assertTrue(pong.isSuccess(), () -> "reachable through its kept mapping: " + pong.getError());
    assertTrue(setup.counter(setup.natted, "keepalives.sent") >= 5);
    assertTrue(setup.counter(setup.seed, "keepalives.received") >= 5);
  }

  @Test
  void withoutKeepalivesAnIdleNatedNodeFallsOutOfReach() throws Exception {
    Setup setup = new Setup("0s");
    Thread.sleep(MAPPING_LIFETIME.multipliedBy(3).toMillis());
    assertTrue(setup.pingFromSeed().isError(), "the NAT forgot the mapping");
    assertEquals(0, setup.counter(setup.natted, "keepalives.sent"));
  }

  private static final class Setup {
    final SimNetwork network =
        new SimNetwork(KIT.system(), Clock.systemUTC(), LatencyModel.constant(Duration.ofMillis(5)), 17);
    final ActorRef<MeshNode.Command> seed;
    final ActorRef<MeshNode.Command> natted;
    final NodeId nattedId;

    Setup(String keepalive) {
      MeshConfig config = MeshConfig.fromConfig(ConfigFactory.parseString(
          "quicmesh.nat.keepalive.interval = " + keepalive + "\n"
              + "quicmesh.nat.detection.first-run-after = 200ms\n"
              + "quicmesh.nat.detection.retry-without-observers = 200ms").withFallback(ConfigFactory.load()))
          .withRequestTimeout(Duration.ofMillis(500));
      NatBox box = network.addNat(NatBehavior.PORT_RESTRICTED_CONE.withTimeout(MAPPING_LIFETIME));
      seed = KIT.spawn(MeshNode.create(config, Keypair.generate(), (s, kp, c) -> network.attach(kp),
          NodeEnvironment.system()));
      var seedAddress = status(seed).listen().get(0);
      // A second public peer: with two observer IPs detection is decided and stops, so only keepalives speak later.
      KIT.spawn(MeshNode.create(config.withBootstrap(List.of(seedAddress)), Keypair.generate(),
          (s, kp, c) -> network.attach(kp), NodeEnvironment.system()));
      Keypair natKeys = Keypair.generate();
      nattedId = natKeys.nodeId();
      natted = KIT.spawn(MeshNode.create(config.withBootstrap(List.of(seedAddress)), natKeys,
          (s, kp, c) -> network.attach(kp, box), NodeEnvironment.system()));
      TestProbe<StatusReply<NatClassification>> nat = KIT.createTestProbe();
      for (int attempt = 0; attempt < 100; attempt++) { // early runs may come before the node has joined
        natted.tell(new MeshNode.Nat(false, nat.ref()));
        if (nat.receiveMessage(Duration.ofSeconds(10)).getValue().evidence().mappings().size() >= 2) {
          return;
        }
        sleep(100);
      }
      throw new AssertionError("the node never met two observers");
    }

    StatusReply<Pong> pingFromSeed() {
      TestProbe<StatusReply<Pong>> probe = KIT.createTestProbe();
      seed.tell(new MeshNode.Ping(PeerTarget.of(nattedId), probe.ref()));
      return probe.receiveMessage(Duration.ofSeconds(15));
    }

    long counter(ActorRef<MeshNode.Command> node, String name) {
      return status(node).telemetry().nat().detector().getOrDefault(name, 0L);
    }
  }

  private static NodeStatus status(ActorRef<MeshNode.Command> node) {
    TestProbe<StatusReply<NodeStatus>> probe = KIT.createTestProbe();
    node.tell(new MeshNode.GetStatus(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10)).getValue();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
