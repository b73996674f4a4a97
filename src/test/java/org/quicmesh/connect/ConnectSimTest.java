package org.quicmesh.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.simulation.SimulatedMesh;
import org.quicmesh.transport.sim.NatBehavior;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.virtualtime.SimulationSystem;

/**
 * Whole nodes in virtual time: a relay, and hosts behind NAT boxes that hold reservations with it, connect by NodeId
 * alone; the connection starts where it can and ends on the path the NATs allow.
 */
class ConnectSimTest {
  private SimulationSystem<Void> sim;
  private final List<SimulatedMesh.Member> hosts = new ArrayList<>();

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private void start(NatBehavior... behind) {
    start(Map.of(), behind);
  }

  private void start(Map<String, Object> settings, NatBehavior... behind) {
    Map<String, Object> all = new java.util.HashMap<>(settings);
    all.put("quicmesh.nat.detection.first-run-after", "1h");
    sim = SimulationSystem.create("connect", 5, random -> Behaviors.<Void>setup(ctx -> {
      var clock = SimDriver.of(ctx.getSystem()).clock();
      SimNetwork network = new SimNetwork(ctx.getSystem(), clock,
          org.quicmesh.transport.sim.LatencyModel.constant(Duration.ofMillis(20)), 5);
      MeshConfig config = SimulatedMesh.config(all);
      SimulatedMesh mesh = new SimulatedMesh(network, clock, new Random(5));
      List<SimulatedMesh.Member> relays = new ArrayList<>();
      mesh.join(ctx, config.withRelay(true), relays);
      var relay = relays.get(0).address();
      for (NatBehavior behavior : behind) {
        hosts.add(mesh.spawnBehind(ctx, config.withBootstrap(List.of(relay)).withRelayServers(List.of(relay)),
            network.addNat(behavior)));
      }
      return Behaviors.empty();
    }));
    sim.driver().runFor(Duration.ofSeconds(30));
  }

  private <T> T ask(ActorRef<MeshNode.Command> node,
      java.util.function.Function<ActorRef<StatusReply<T>>, MeshNode.Command> command) {
    AtomicReference<StatusReply<T>> reply = new AtomicReference<>();
    ActorRef<StatusReply<T>> into = sim.system().systemActorOf(Behaviors.<StatusReply<T>>receiveMessage(m -> {
      reply.set(m);
      return Behaviors.stopped();
    }), "reply-" + System.nanoTime(), org.apache.pekko.actor.typed.Props.empty());
    node.tell(command.apply(into));
    assertTrue(sim.driver().runUntil(() -> reply.get() != null, Duration.ofMinutes(2)), "no reply");
    return reply.get().getValue();
  }

  @Test
  void aHostsRecordNamesItsRelayAndItsMappedAddress() {
    start(NatBehavior.PORT_RESTRICTED_CONE, NatBehavior.PORT_RESTRICTED_CONE);
    EndpointRecord record = ask(hosts.get(0).node(),
        r -> new MeshNode.Resolve(hosts.get(1).keypair().nodeId(), r));
    assertFalse(record.relays().isEmpty(), record.toString());
    assertTrue(record.addresses().size() >= 2, "host and server-reflexive: " + record.addresses());
  }

  @Test
  void twoPortRestrictedHostsEndDirect() {
    start(NatBehavior.PORT_RESTRICTED_CONE, NatBehavior.PORT_RESTRICTED_CONE);
    this.<ConnectionInfo>ask(hosts.get(0).node(), r -> new MeshNode.Connect(hosts.get(1).keypair().nodeId(), r));
    sim.driver().runFor(Duration.ofSeconds(15));
    ConnectionInfo later = ask(hosts.get(0).node(), r -> new MeshNode.Connect(hosts.get(1).keypair().nodeId(), r));
    assertEquals("direct", later.path(), later.toString());
  }

  /** With the direct attempt skipped (as if a firewall blocked it), the relay carries it first and ICE moves it. */
  @Test
  void aRelayedConnectionBetweenPortRestrictedHostsIsUpgradedByHolePunching() {
    start(Map.of("quicmesh.connect.direct-timeout", "1ms"), NatBehavior.PORT_RESTRICTED_CONE,
        NatBehavior.PORT_RESTRICTED_CONE);
    ConnectionInfo first = ask(hosts.get(0).node(), r -> new MeshNode.Connect(hosts.get(1).keypair().nodeId(), r));
    assertEquals("relayed", first.path(), first.toString());
    sim.driver().runFor(Duration.ofSeconds(15));
    ConnectionInfo later = ask(hosts.get(0).node(), r -> new MeshNode.Connect(hosts.get(1).keypair().nodeId(), r));
    assertEquals("direct", later.path(), later.toString());
    assertEquals(1, later.pathChanges(), later.toString());
  }

  @Test
  void twoSymmetricHostsStayRelayed() {
    start(NatBehavior.SYMMETRIC, NatBehavior.SYMMETRIC);
    ConnectionInfo first = ask(hosts.get(0).node(), r -> new MeshNode.Connect(hosts.get(1).keypair().nodeId(), r));
    assertEquals("relayed", first.path(), first.toString());
    sim.driver().runFor(Duration.ofSeconds(15));
    ConnectionInfo later = ask(hosts.get(0).node(), r -> new MeshNode.Connect(hosts.get(1).keypair().nodeId(), r));
    assertEquals("relayed", later.path(), later.toString());
  }
}
