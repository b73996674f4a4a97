package org.quicmesh.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
  private SimNetwork network;
  private final List<SimulatedMesh.Member> relays = new ArrayList<>();
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
    start(1, settings, behind);
  }

  /** {@code relayCount} relays (each host holds a reservation with every one), then a host behind each NAT. */
  private void start(int relayCount, Map<String, Object> settings, NatBehavior... behind) {
    Map<String, Object> all = new java.util.HashMap<>(settings);
    all.put("quicmesh.nat.detection.first-run-after", "1h");
    sim = SimulationSystem.create("connect", 5, random -> Behaviors.<Void>setup(ctx -> {
      var clock = SimDriver.of(ctx.getSystem()).clock();
      network = new SimNetwork(ctx.getSystem(), clock,
          org.quicmesh.transport.sim.LatencyModel.constant(Duration.ofMillis(20)), 5);
      MeshConfig config = SimulatedMesh.config(all);
      SimulatedMesh mesh = new SimulatedMesh(network, clock, new Random(5));
      for (int i = 0; i < relayCount; i++) {
        mesh.join(ctx, config.withRelay(true), relays);
      }
      List<java.net.InetSocketAddress> relayAddresses = relays.stream().map(SimulatedMesh.Member::address).toList();
      for (NatBehavior behavior : behind) {
        hosts.add(mesh.spawnBehind(ctx, config.withBootstrap(relayAddresses.subList(0, 1))
            .withRelayServers(relayAddresses), network.addNat(behavior)));
      }
      return Behaviors.empty();
    }));
    sim.driver().runFor(Duration.ofSeconds(30));
  }

  private <T> T ask(ActorRef<MeshNode.Command> node,
      java.util.function.Function<ActorRef<StatusReply<T>>, MeshNode.Command> command) {
    StatusReply<T> reply = sim.reply(into -> node.tell(command.apply(into)), Duration.ofMinutes(2));
    return reply.getValue();
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
    start(Map.of("quicmesh.connect.direct-timeout", "0s"), NatBehavior.PORT_RESTRICTED_CONE,
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
    PathStats relay = later.paths().get(0);
    assertEquals("relayed", relay.kind(), later.toString());
    assertTrue(relay.alive() && relay.loss() == 0 && relay.rttMs() >= 40, "watched through the relay: " + relay);
  }

  /**
   * The relay carrying a connection between two symmetric NATs dies: the side that connected notices within a few
   * probe intervals and moves the same connection to the peer's other relay; bytes sent across the loss all arrive,
   * once each and in order.
   */
  @Test
  void aConnectionWhoseRelayIsLostMovesToTheOtherRelayAndKeepsEveryByte() {
    start(2, Map.of(), NatBehavior.SYMMETRIC, NatBehavior.SYMMETRIC);
    var a = hosts.get(0).node();
    var b = hosts.get(1).keypair().nodeId();
    List<byte[]> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    hosts.get(1).node().tell(new MeshNode.WatchConnections(sim.system().systemActorOf(
        Behaviors.<ConnectionEvent>receiveMessage(event -> {
          if (event instanceof ConnectionEvent.DataReceived data) {
            received.add(data.data());
          }
          return Behaviors.same();
        }), "b-events", org.apache.pekko.actor.typed.Props.empty())));
    ConnectionInfo first = ask(a, r -> new MeshNode.Connect(b, r));
    assertEquals("relayed", first.path(), first.toString());
    byte[] before = {1, 2, 3};
    this.<org.apache.pekko.Done>ask(a, r -> new MeshNode.SendData(b, before, r));

    SimulatedMesh.Member lost = relays.stream().filter(r -> r.keypair().nodeId().equals(first.relay()))
        .findFirst().orElseThrow();
    network.crash(lost.address());
    byte[] across = new byte[100_000];
    new Random(9).nextBytes(across);
    this.<org.apache.pekko.Done>ask(a, r -> new MeshNode.SendData(b, across, r));
    sim.driver().runFor(Duration.ofSeconds(5));

    ConnectionInfo moved = ask(a, r -> new MeshNode.Connect(b, r));
    assertEquals("relayed", moved.path(), moved.toString());
    assertFalse(moved.relay().equals(lost.keypair().nodeId()), "on the other relay: " + moved);
    assertEquals(1, moved.pathChanges(), moved.toString());
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    received.forEach(all::writeBytes);
    byte[] expected = new byte[before.length + across.length];
    System.arraycopy(before, 0, expected, 0, before.length);
    System.arraycopy(across, 0, expected, before.length, across.length);
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, all.toByteArray(), "every byte once, in order");
  }
}
