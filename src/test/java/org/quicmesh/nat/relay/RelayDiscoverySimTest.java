package org.quicmesh.nat.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.wire.RelayEntry;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.NodeId;
import org.quicmesh.identity.RelayService;
import org.quicmesh.nat.NatClassification;
import org.quicmesh.nat.NatType;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.simulation.SimulatedMesh;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.NatBehavior;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.virtualtime.SimulationSystem;

/**
 * Whole nodes in virtual time: a relay among public nodes advertises itself in its endpoint record, and a host behind
 * a symmetric NAT, configured with no relay server at all, finds the relay through the DHT, reserves, and its own
 * record names the relay. Public nodes, whose NAT verdict says they are reachable, reserve with nobody.
 */
class RelayDiscoverySimTest {
  private static final int PUBLIC_NODES = 5;

  private SimulationSystem<Void> sim;
  private final List<SimulatedMesh.Member> publicNodes = new ArrayList<>();
  private final AtomicReference<SimulatedMesh.Member> relay = new AtomicReference<>();
  private final AtomicReference<SimulatedMesh.Member> host = new AtomicReference<>();

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  /** {@code deadConfiguredRelay}: the host is configured with one relay server, at an address where nobody answers. */
  private void start(boolean deadConfiguredRelay) {
    sim = SimulationSystem.create("relay-discovery", 7, random -> Behaviors.<Void>setup(ctx -> {
      var clock = SimDriver.of(ctx.getSystem()).clock();
      SimNetwork network = new SimNetwork(ctx.getSystem(), clock, LatencyModel.constant(Duration.ofMillis(20)), 7);
      MeshConfig config = SimulatedMesh.config(Map.of(
          "quicmesh.nat.detection.first-run-after", "2s",
          "quicmesh.nat.detection.retry-without-observers", "2s",
          "quicmesh.nat.relay.discovery.every", "20s",
          "quicmesh.nat.relay.discovery.contacts-per-round", "3"));
      SimulatedMesh mesh = new SimulatedMesh(network, clock, new Random(7));
      List<SimulatedMesh.Member> live = new ArrayList<>();
      relay.set(mesh.join(ctx, config.withRelay(true), live));
      for (int i = 0; i < PUBLIC_NODES; i++) {
        publicNodes.add(mesh.join(ctx, config, live));
      }
      // No relay server configured, or a dead one: it can only learn of the relay from the mesh.
      List<java.net.InetSocketAddress> configured = deadConfiguredRelay ? List.of(network.nextAddress()) : List.of();
      host.set(mesh.spawnBehind(ctx,
          config.withBootstrap(List.of(publicNodes.get(0).address())).withRelayServers(configured),
          network.addNat(NatBehavior.SYMMETRIC)));
      return Behaviors.empty();
    }));
  }

  private <T> StatusReply<T> ask(ActorRef<MeshNode.Command> node,
      java.util.function.Function<ActorRef<StatusReply<T>>, MeshNode.Command> command) {
    return sim.reply(into -> node.tell(command.apply(into)), Duration.ofMinutes(2));
  }


  private Optional<EndpointRecord> resolve(SimulatedMesh.Member asker, NodeId node) {
    StatusReply<EndpointRecord> reply = ask(asker.node(), r -> new MeshNode.Resolve(node, r));
    return reply.isSuccess() ? Optional.of(reply.getValue()) : Optional.empty();
  }

  @Test
  void aHostBehindANatWithNoConfiguredRelayFindsTheRelayInTheMeshAndNamesItInItsRecord() {
    start(false);
    hostFindsTheRelay();

    // The relay's own record carries its advertisement: accepting, lightly loaded, with what it offers.
    EndpointRecord relayRecord = resolve(publicNodes.get(0), relay.get().keypair().nodeId()).orElseThrow();
    RelayService service = relayRecord.advertisedRelayService().orElseThrow();
    assertTrue(service.accepting(), service.toString());
    assertTrue(service.loadPermille() < 100, service.toString());
    assertEquals(RelayService.CURRENT, service.capabilities());

    // Public nodes are reachable (their verdict says so): none reserved, so the record each signs names no relay.
    for (SimulatedMesh.Member node : publicNodes) {
      EndpointRecord record = this.<EndpointRecord>ask(node.node(), MeshNode.PublishAddress::new).getValue();
      assertEquals(List.of(), record.relays(), record.toString());
    }
  }

  @Test
  void aHostWhoseConfiguredRelayNeverAnswersFallsBackToTheMesh() {
    start(true);
    hostFindsTheRelay();
  }

  private void hostFindsTheRelay() {
    String relayEntry = RelayEntry.format(
        org.quicmesh.wire.Contact.of(relay.get().keypair().nodeId(), relay.get().address()));
    SimulatedMesh.Member asker = publicNodes.get(PUBLIC_NODES - 1);
    NodeId hostId = host.get().keypair().nodeId();
    // Discovery runs every 20 s once the NAT verdict is in: within a few rounds the host holds the relay.
    sim.driver().runFor(Duration.ofSeconds(30));
    Optional<EndpointRecord> hostRecord = Optional.empty();
    for (int attempt = 0; attempt < 12 && hostRecord.map(r -> !r.relays().contains(relayEntry)).orElse(true);
        attempt++) {
      sim.driver().runFor(Duration.ofSeconds(10));
      hostRecord = resolve(asker, hostId);
    }
    NatClassification verdict = this.<NatClassification>ask(host.get().node(), r -> new MeshNode.Nat(false, r))
        .getValue();
    assertEquals(NatType.SYMMETRIC, verdict.type(), verdict.toString());
    assertTrue(hostRecord.isPresent(), "the host published no record");
    assertEquals(List.of(relayEntry), hostRecord.get().relays(), hostRecord.get().toString());
  }
}
