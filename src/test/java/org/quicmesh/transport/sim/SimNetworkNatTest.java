package org.quicmesh.transport.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.TransportException;
import org.quicmesh.transport.sim.SimHosts.Host;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Ping;

/**
 * Requests, answers, streams and datagrams through the simulator's NAT boxes, end to end in virtual time: who can
 * reach whom, from which observed address, and for how long.
 */
class SimNetworkNatTest {
  private SimHosts hosts;
  private SimNetwork network;

  @BeforeEach
  void setUp() {
    hosts = new SimHosts("nat", Duration.ofMillis(20), 1);
    network = hosts.network;
  }

  @AfterEach
  void tearDown() {
    hosts.close();
  }

  @Test
  void aHostBehindAPortRestrictedNatIsReachableOnlyByWhomItContactedAndOnlyWhileTheMappingLives() {
    NatBox box = network.addNat(NatBehavior.PORT_RESTRICTED_CONE);
    Host nated = hosts.behind(box);
    Host server = hosts.publicHost();
    Host otherPortOfServer = hosts.publicHostAt(new InetSocketAddress(server.address().getAddress(), 4001));
    Host stranger = hosts.publicHost();
    InetSocketAddress mapped = new InetSocketAddress(box.publicIp(), SimNetwork.PORT);

    hosts.timesOut(server, nated.at(mapped));
    assertEquals(1, network.natDropCount(NatDrop.NO_MAPPING), "no mapping before the host sends");
    hosts.timesOut(server, nated.at(nated.address()));
    assertEquals(1, network.natDropCount(NatDrop.PRIVATE_UNREACHABLE));

    Reply reply = hosts.answered(nated, server.contact());
    assertEquals(server.address(), reply.address());
    assertEquals(mapped, server.lastObserved(), "the server sees the box's public address, port preserved");

    hosts.answered(server, nated.at(mapped));
    assertEquals(server.address(), nated.lastObserved());
    hosts.timesOut(otherPortOfServer, nated.at(mapped));
    hosts.timesOut(stranger, nated.at(mapped));
    assertEquals(2, network.natDropCount(NatDrop.FILTERED));

    hosts.sim.driver().runFor(NatBehavior.DEFAULT_TIMEOUT);
    hosts.timesOut(server, nated.at(mapped));
    assertEquals(2, network.natDropCount(NatDrop.NO_MAPPING), "expired after two idle minutes");
    assertEquals(java.util.Map.of("filtered", 2L, "no-mapping", 2L, "private-unreachable", 1L), network.natDrops());
  }

  @Test
  void aFullConeLetsAnyoneInOnceMapped() {
    NatBox box = network.addNat(NatBehavior.FULL_CONE);
    Host nated = hosts.behind(box);
    Host server = hosts.publicHost();
    Host stranger = hosts.publicHost();
    hosts.answered(nated, server.contact());
    hosts.answered(stranger, nated.at(server.lastObserved()));
    assertEquals(stranger.address(), nated.lastObserved());
  }

  @Test
  void aRestrictedConeLetsInAnyPortOfAnAddressItContacted() {
    NatBox box = network.addNat(NatBehavior.RESTRICTED_CONE);
    Host nated = hosts.behind(box);
    Host server = hosts.publicHost();
    Host otherPortOfServer = hosts.publicHostAt(new InetSocketAddress(server.address().getAddress(), 4001));
    Host stranger = hosts.publicHost();
    hosts.answered(nated, server.contact());
    InetSocketAddress mapped = server.lastObserved();
    hosts.answered(otherPortOfServer, nated.at(mapped));
    hosts.timesOut(stranger, nated.at(mapped));
  }

  @Test
  void aSymmetricNatMapsEachDestinationToItsOwnPortAndOnlyThatDestinationMayUseIt() {
    NatBox box = network.addNat(NatBehavior.SYMMETRIC);
    Host nated = hosts.behind(box);
    Host first = hosts.publicHost();
    Host second = hosts.publicHost();
    hosts.answered(nated, first.contact());
    hosts.answered(nated, second.contact());
    InetSocketAddress seenByFirst = first.lastObserved();
    InetSocketAddress seenBySecond = second.lastObserved();

    assertEquals(box.publicIp(), seenByFirst.getAddress());
    assertEquals(box.publicIp(), seenBySecond.getAddress());
    assertNotEquals(seenByFirst.getPort(), seenBySecond.getPort());
    hosts.answered(first, nated.at(seenByFirst));
    hosts.timesOut(first, nated.at(seenBySecond));
    hosts.timesOut(second, nated.at(seenByFirst));
  }

  @Test
  void randomPortsComeFromTheNetworksSeed() {
    List<Integer> first = symmetricPorts(5);
    assertEquals(first, symmetricPorts(5));
    assertNotEquals(first, symmetricPorts(6));
  }

  /** The ports a symmetric NAT gives one host toward three servers, on a fresh network with that seed. */
  private static List<Integer> symmetricPorts(long seed) {
    try (SimHosts fresh = new SimHosts("nat-ports", Duration.ofMillis(20), seed)) {
      Host nated = fresh.behind(fresh.network.addNat(NatBehavior.SYMMETRIC));
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Host server = fresh.publicHost();
        fresh.answered(nated, server.contact());
        ports.add(server.lastObserved().getPort());
      }
      return ports;
    }
  }

  @Test
  void aHostBehindNoNatIsPublic() {
    Host host = hosts.behind(network.addNat(NatBehavior.NONE));
    Host server = hosts.publicHost();
    hosts.answered(server, host.contact());
    hosts.answered(host, server.contact());
    assertEquals(host.address(), server.lastObserved());
  }

  @Test
  void hostsBehindOneBoxShareItsPublicAddressAndReachEachOtherPrivately() {
    NatBox box = network.addNat(NatBehavior.PORT_RESTRICTED_CONE);
    Host alice = hosts.behind(box);
    Host bob = hosts.behind(box);
    Host server = hosts.publicHost();
    NatBox otherBox = network.addNat(NatBehavior.FULL_CONE);
    Host elsewhere = hosts.behind(otherBox);

    hosts.answered(alice, server.contact());
    InetSocketAddress aliceMapped = server.lastObserved();
    hosts.answered(bob, server.contact());
    InetSocketAddress bobMapped = server.lastObserved();
    assertEquals(aliceMapped.getAddress(), bobMapped.getAddress());
    assertNotEquals(aliceMapped.getPort(), bobMapped.getPort());
    hosts.answered(server, alice.at(aliceMapped));
    assertEquals(1, alice.requests().size(), "the server reached Alice, not Bob, at her port");
    hosts.answered(server, bob.at(bobMapped));
    assertEquals(1, bob.requests().size());

    hosts.answered(bob, alice.contact());
    assertEquals(bob.address(), alice.lastObserved(), "on the LAN: the private address, untranslated");
    hosts.timesOut(elsewhere, alice.contact());
    assertEquals(1, network.natDropCount(NatDrop.PRIVATE_UNREACHABLE));
  }

  @Test
  void hairpinningLoopsThroughTheBoxFromTheSendersPublicAddress() {
    NatBox box = network.addNat(NatBehavior.FULL_CONE.withHairpinning(true));
    Host alice = hosts.behind(box);
    Host bob = hosts.behind(box);
    Host server = hosts.publicHost();
    hosts.answered(alice, server.contact());
    InetSocketAddress aliceMapped = server.lastObserved();

    Reply reply = hosts.answered(bob, alice.at(aliceMapped));

    assertEquals(aliceMapped, reply.address());
    assertEquals(box.publicIp(), alice.lastObserved().getAddress());
    assertNotEquals(aliceMapped, alice.lastObserved(), "Bob's own mapping");
  }

  @Test
  void withoutHairpinningAHostCannotReachItsNeighbourAtThePublicAddress() {
    NatBox box = network.addNat(NatBehavior.FULL_CONE);
    Host alice = hosts.behind(box);
    Host bob = hosts.behind(box);
    Host server = hosts.publicHost();
    hosts.answered(alice, server.contact());
    hosts.timesOut(bob, alice.at(server.lastObserved()));
    assertEquals(1, network.natDropCount(NatDrop.NO_HAIRPINNING));
  }

  @Test
  void datagramsCrossTheSameMappings() {
    NatBox box = network.addNat(NatBehavior.PORT_RESTRICTED_CONE);
    Host nated = hosts.behind(box);
    Host server = hosts.publicHost();
    Host stranger = hosts.publicHost();
    InetSocketAddress mapped = new InetSocketAddress(box.publicIp(), SimNetwork.PORT);

    hosts.datagram(server, mapped, "too early");
    assertEquals(0, nated.datagrams().size());
    hosts.datagram(nated, server.address(), "binding");
    assertEquals(mapped, server.datagrams().get(0).sender());
    hosts.datagram(server, server.datagrams().get(0).sender(), "answer");
    hosts.datagram(stranger, mapped, "not asked");
    assertEquals(1, nated.datagrams().size());
    assertEquals(server.address(), nated.datagrams().get(0).sender());
    assertEquals(nated.address(), nated.datagrams().get(0).local());

    hosts.answered(server, nated.at(mapped)); // a datagram's mapping is the one QUIC uses
  }

  @Test
  void aHostBehindANatOpensAnotherPortWhoseDatagramsLeaveThroughItsBoxWithAMappingOfTheirOwn() {
    NatBox box = network.addNat(NatBehavior.PORT_RESTRICTED_CONE);
    Host nated = hosts.behind(box);
    Host server = hosts.publicHost();
    InetSocketAddress spare = new InetSocketAddress(nated.address().getAddress(), nated.address().getPort() + 2);
    assertEquals(spare, nated.transport().datagrams().open(spare).toCompletableFuture().join());
    assertTrue(nated.transport().datagrams().open(new InetSocketAddress("10.9.9.9", 1)).toCompletableFuture()
        .isCompletedExceptionally(), "only the host's own IP");

    nated.transport().datagrams().send(spare, server.address(), SimHosts.probe("from the spare port"));
    hosts.run(Duration.ofSeconds(1));
    InetSocketAddress seen = server.datagrams().get(0).sender();
    assertEquals(box.publicIp(), seen.getAddress());
    assertNotEquals(SimNetwork.PORT, seen.getPort(), "its own mapping, not the main socket's");
    hosts.datagram(server, seen, "answer to the spare port");
    assertEquals(spare, nated.datagrams().get(0).local(), "answers through that mapping reach the spare socket");
  }

  @Test
  void streamsCrossTheSameMappingsAndTheirAcknowledgementsKeepThemOpen() {
    NatBox box = network.addNat(NatBehavior.PORT_RESTRICTED_CONE);
    Host nated = hosts.behind(box);
    Host server = hosts.publicHost();
    InetSocketAddress mapped = new InetSocketAddress(box.publicIp(), SimNetwork.PORT);

    CompletionStage<?> refused = Source.single((Message) new Ping(server.contact()))
        .runWith(server.transport().streamTo(nated.at(mapped)), hosts.sim.system());
    hosts.sim.driver().runFor(Duration.ofSeconds(1));
    assertInstanceOf(TransportException.class,
        refused.toCompletableFuture().handle((r, e) -> e.getCause() != null ? e.getCause() : e).join());

    Source.single((Message) new Ping(nated.contact())).runWith(nated.transport().streamTo(server.contact()),
        hosts.sim.system());
    hosts.sim.driver().runFor(Duration.ofSeconds(1));
    assertEquals(1, server.streamed().size());

    // The nated host never sends on its own again; the acknowledgements of a stream it receives keep the mapping.
    Source.tick(Duration.ofSeconds(30), Duration.ofSeconds(30), (Message) new Ping(server.contact()))
        .take(10)
        .runWith(server.transport().streamTo(nated.at(mapped)), hosts.sim.system());
    hosts.sim.driver().runFor(Duration.ofMinutes(6));
    assertEquals(10, nated.streamed().size());
    hosts.answered(server, nated.at(mapped));
  }
}
