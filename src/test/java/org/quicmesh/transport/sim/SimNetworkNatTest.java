package org.quicmesh.transport.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.TransportException;
import org.quicmesh.virtualtime.SimulationSystem;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Response;

/**
 * Requests, answers, streams and datagrams through the simulator's NAT boxes, end to end in virtual time: who can
 * reach whom, from which observed address, and for how long.
 */
class SimNetworkNatTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private SimulationSystem<Void> sim;
  private SimNetwork network;
  private final List<Host> hosts = new ArrayList<>();

  /** A started host and what reached it. */
  private record Host(SimTransport transport, List<InboundRequest> requests, List<Message> streamed,
      List<Datagram> datagrams) {
    InetSocketAddress address() {
      return transport.address();
    }

    Contact contact() {
      return Contact.of(transport.localId(), transport.address());
    }

    /** How someone outside reaches this host at {@code address} (its mapped one). */
    Contact at(InetSocketAddress address) {
      return Contact.of(transport.localId(), address);
    }

    InetSocketAddress lastObserved() {
      return requests.get(requests.size() - 1).observedAddress();
    }
  }

  @BeforeEach
  void setUp() {
    sim = SimulationSystem.create("nat", 1, Behaviors.<Void>empty());
    network = new SimNetwork(sim.system(), sim.clock(), LatencyModel.constant(Duration.ofMillis(20)), 1);
  }

  @AfterEach
  void tearDown() {
    sim.close();
  }

  private Host started(SimTransport transport) {
    Host host = new Host(transport, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
        new CopyOnWriteArrayList<>());
    transport.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        host.requests().add(request);
        return CompletableFuture.completedFuture(new Ack());
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
        messages.runWith(Sink.foreach(host.streamed()::add), sim.system());
      }
    });
    transport.datagrams().listen(DatagramKind.PROBE, host.datagrams()::add);
    hosts.add(host);
    return host;
  }

  private Host publicHost() {
    return started(network.attach(Keypair.generate()));
  }

  private Host publicHostAt(InetSocketAddress address) {
    return started(network.attach(address, Keypair.generate()));
  }

  private Host behind(NatBox box) {
    return started(network.attach(Keypair.generate(), box));
  }

  /** A request from one host to another at {@code to}, run to its end in virtual time. */
  private CompletableFuture<Reply> request(Host from, Contact to) {
    CompletableFuture<Reply> reply =
        from.transport().request(to, new Ping(from.contact()), TIMEOUT).toCompletableFuture();
    sim.driver().runFor(TIMEOUT.plusSeconds(1));
    assertTrue(reply.isDone(), "the request ended in virtual time");
    return reply;
  }

  private Reply answered(Host from, Contact to) {
    CompletableFuture<Reply> reply = request(from, to);
    assertTrue(!reply.isCompletedExceptionally(), from + " should reach " + to);
    return reply.join();
  }

  private void timesOut(Host from, Contact to) {
    CompletableFuture<Reply> reply = request(from, to);
    assertTrue(reply.isCompletedExceptionally(), from + " should not reach " + to);
    TransportException failure = (TransportException) reply.handle((r, e) -> e.getCause() != null ? e.getCause() : e)
        .join();
    assertEquals(TransportException.Kind.TIMEOUT, failure.kind());
  }

  private static byte[] probe(String text) {
    byte[] magic = DatagramKind.probeMagic();
    byte[] body = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] packet = java.util.Arrays.copyOf(magic, magic.length + body.length);
    System.arraycopy(body, 0, packet, magic.length, body.length);
    return packet;
  }

  private void datagram(Host from, InetSocketAddress to, String text) {
    from.transport().datagrams().send(to, probe(text));
    sim.driver().runFor(Duration.ofSeconds(1));
  }

  @Test
  void aHostBehindAPortRestrictedNatIsReachableOnlyByWhomItContactedAndOnlyWhileTheMappingLives() {
    NatBox box = network.addNat(NatBehavior.PORT_RESTRICTED_CONE);
    Host nated = behind(box);
    Host server = publicHost();
    Host otherPortOfServer = publicHostAt(new InetSocketAddress(server.address().getAddress(), 4001));
    Host stranger = publicHost();
    InetSocketAddress mapped = new InetSocketAddress(box.publicIp(), SimNetwork.PORT);

    timesOut(server, nated.at(mapped));
    assertEquals(1, network.natDropCount(NatDrop.NO_MAPPING), "no mapping before the host sends");
    timesOut(server, nated.at(nated.address()));
    assertEquals(1, network.natDropCount(NatDrop.PRIVATE_UNREACHABLE));

    Reply reply = answered(nated, server.contact());
    assertEquals(server.address(), reply.address());
    assertEquals(mapped, server.lastObserved(), "the server sees the box's public address, port preserved");

    answered(server, nated.at(mapped));
    assertEquals(server.address(), nated.lastObserved());
    timesOut(otherPortOfServer, nated.at(mapped));
    timesOut(stranger, nated.at(mapped));
    assertEquals(2, network.natDropCount(NatDrop.FILTERED));

    sim.driver().runFor(NatBehavior.DEFAULT_TIMEOUT);
    timesOut(server, nated.at(mapped));
    assertEquals(2, network.natDropCount(NatDrop.NO_MAPPING), "expired after two idle minutes");
    assertEquals(java.util.Map.of("filtered", 2L, "no-mapping", 2L, "private-unreachable", 1L), network.natDrops());
  }

  @Test
  void aFullConeLetsAnyoneInOnceMapped() {
    NatBox box = network.addNat(NatBehavior.FULL_CONE);
    Host nated = behind(box);
    Host server = publicHost();
    Host stranger = publicHost();
    answered(nated, server.contact());
    answered(stranger, nated.at(server.lastObserved()));
    assertEquals(stranger.address(), nated.lastObserved());
  }

  @Test
  void aRestrictedConeLetsInAnyPortOfAnAddressItContacted() {
    NatBox box = network.addNat(NatBehavior.RESTRICTED_CONE);
    Host nated = behind(box);
    Host server = publicHost();
    Host otherPortOfServer = publicHostAt(new InetSocketAddress(server.address().getAddress(), 4001));
    Host stranger = publicHost();
    answered(nated, server.contact());
    InetSocketAddress mapped = server.lastObserved();
    answered(otherPortOfServer, nated.at(mapped));
    timesOut(stranger, nated.at(mapped));
  }

  @Test
  void aSymmetricNatMapsEachDestinationToItsOwnPortAndOnlyThatDestinationMayUseIt() {
    NatBox box = network.addNat(NatBehavior.SYMMETRIC);
    Host nated = behind(box);
    Host first = publicHost();
    Host second = publicHost();
    answered(nated, first.contact());
    answered(nated, second.contact());
    InetSocketAddress seenByFirst = first.lastObserved();
    InetSocketAddress seenBySecond = second.lastObserved();

    assertEquals(box.publicIp(), seenByFirst.getAddress());
    assertEquals(box.publicIp(), seenBySecond.getAddress());
    assertNotEquals(seenByFirst.getPort(), seenBySecond.getPort());
    answered(first, nated.at(seenByFirst));
    timesOut(first, nated.at(seenBySecond));
    timesOut(second, nated.at(seenByFirst));
  }

  @Test
  void randomPortsComeFromTheNetworksSeed() {
    List<Integer> first = symmetricPorts(5);
    assertEquals(first, symmetricPorts(5));
    assertNotEquals(first, symmetricPorts(6));
  }

  /** The ports a symmetric NAT gives one host toward three servers, on a fresh network with that seed. */
  private List<Integer> symmetricPorts(long seed) {
    network = new SimNetwork(sim.system(), sim.clock(), LatencyModel.constant(Duration.ofMillis(20)), seed);
    Host nated = behind(network.addNat(NatBehavior.SYMMETRIC));
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Host server = publicHost();
      answered(nated, server.contact());
      ports.add(server.lastObserved().getPort());
    }
    return ports;
  }

  @Test
  void aHostBehindNoNatIsPublic() {
    Host host = behind(network.addNat(NatBehavior.NONE));
    Host server = publicHost();
    answered(server, host.contact());
    answered(host, server.contact());
    assertEquals(host.address(), server.lastObserved());
  }

  @Test
  void hostsBehindOneBoxShareItsPublicAddressAndReachEachOtherPrivately() {
    NatBox box = network.addNat(NatBehavior.PORT_RESTRICTED_CONE);
    Host alice = behind(box);
    Host bob = behind(box);
    Host server = publicHost();
    NatBox otherBox = network.addNat(NatBehavior.FULL_CONE);
    Host elsewhere = behind(otherBox);

    answered(alice, server.contact());
    InetSocketAddress aliceMapped = server.lastObserved();
    answered(bob, server.contact());
    InetSocketAddress bobMapped = server.lastObserved();
    assertEquals(aliceMapped.getAddress(), bobMapped.getAddress());
    assertNotEquals(aliceMapped.getPort(), bobMapped.getPort());
    answered(server, alice.at(aliceMapped));
    assertEquals(1, alice.requests().size(), "the server reached Alice, not Bob, at her port");
    answered(server, bob.at(bobMapped));
    assertEquals(1, bob.requests().size());

    answered(bob, alice.contact());
    assertEquals(bob.address(), alice.lastObserved(), "on the LAN: the private address, untranslated");
    timesOut(elsewhere, alice.contact());
    assertEquals(1, network.natDropCount(NatDrop.PRIVATE_UNREACHABLE));
  }

  @Test
  void hairpinningLoopsThroughTheBoxFromTheSendersPublicAddress() {
    NatBox box = network.addNat(NatBehavior.FULL_CONE.withHairpinning(true));
    Host alice = behind(box);
    Host bob = behind(box);
    Host server = publicHost();
    answered(alice, server.contact());
    InetSocketAddress aliceMapped = server.lastObserved();

    Reply reply = answered(bob, alice.at(aliceMapped));

    assertEquals(aliceMapped, reply.address());
    assertEquals(box.publicIp(), alice.lastObserved().getAddress());
    assertNotEquals(aliceMapped, alice.lastObserved(), "Bob's own mapping");
  }

  @Test
  void withoutHairpinningAHostCannotReachItsNeighbourAtThePublicAddress() {
    NatBox box = network.addNat(NatBehavior.FULL_CONE);
    Host alice = behind(box);
    Host bob = behind(box);
    Host server = publicHost();
    answered(alice, server.contact());
    timesOut(bob, alice.at(server.lastObserved()));
    assertEquals(1, network.natDropCount(NatDrop.NO_HAIRPINNING));
  }

  @Test
  void datagramsCrossTheSameMappings() {
    NatBox box = network.addNat(NatBehavior.PORT_RESTRICTED_CONE);
    Host nated = behind(box);
    Host server = publicHost();
    Host stranger = publicHost();
    InetSocketAddress mapped = new InetSocketAddress(box.publicIp(), SimNetwork.PORT);

    datagram(server, mapped, "too early");
    assertEquals(0, nated.datagrams().size());
    datagram(nated, server.address(), "binding");
    assertEquals(mapped, server.datagrams().get(0).sender());
    datagram(server, server.datagrams().get(0).sender(), "answer");
    datagram(stranger, mapped, "not asked");
    assertEquals(1, nated.datagrams().size());
    assertEquals(server.address(), nated.datagrams().get(0).sender());
    assertEquals(nated.address(), nated.datagrams().get(0).local());

    answered(server, nated.at(mapped)); // a datagram's mapping is the one QUIC uses
  }

  @Test
  void aHostBehindANatOpensAnotherPortWhoseDatagramsLeaveThroughItsBoxWithAMappingOfTheirOwn() {
    NatBox box = network.addNat(NatBehavior.PORT_RESTRICTED_CONE);
    Host nated = behind(box);
    Host server = publicHost();
    InetSocketAddress spare = new InetSocketAddress(nated.address().getAddress(), nated.address().getPort() + 2);
    assertEquals(spare, nated.transport().datagrams().open(spare).toCompletableFuture().join());
    assertTrue(nated.transport().datagrams().open(new InetSocketAddress("10.9.9.9", 1)).toCompletableFuture()
        .isCompletedExceptionally(), "only the host's own IP");

    nated.transport().datagrams().send(spare, server.address(), probe("from the spare port"));
    sim.driver().runFor(Duration.ofSeconds(1));
    InetSocketAddress seen = server.datagrams().get(0).sender();
    assertEquals(box.publicIp(), seen.getAddress());
    assertNotEquals(SimNetwork.PORT, seen.getPort(), "its own mapping, not the main socket's");
    datagram(server, seen, "answer to the spare port");
    assertEquals(spare, nated.datagrams().get(0).local(), "answers through that mapping reach the spare socket");
  }

  @Test
  void streamsCrossTheSameMappingsAndTheirAcknowledgementsKeepThemOpen() {
    NatBox box = network.addNat(NatBehavior.PORT_RESTRICTED_CONE);
    Host nated = behind(box);
    Host server = publicHost();
    InetSocketAddress mapped = new InetSocketAddress(box.publicIp(), SimNetwork.PORT);

    CompletionStage<?> refused = Source.single((Message) new Ping(server.contact()))
        .runWith(server.transport().streamTo(nated.at(mapped)), sim.system());
    sim.driver().runFor(Duration.ofSeconds(1));
    assertInstanceOf(TransportException.class,
        refused.toCompletableFuture().handle((r, e) -> e.getCause() != null ? e.getCause() : e).join());

    Source.single((Message) new Ping(nated.contact())).runWith(nated.transport().streamTo(server.contact()),
        sim.system());
    sim.driver().runFor(Duration.ofSeconds(1));
    assertEquals(1, server.streamed().size());

    // The nated host never sends on its own again; the acknowledgements of a stream it receives keep the mapping.
    Source.tick(Duration.ofSeconds(30), Duration.ofSeconds(30), (Message) new Ping(server.contact()))
        .take(10)
        .runWith(server.transport().streamTo(nated.at(mapped)), sim.system());
    sim.driver().runFor(Duration.ofMinutes(6));
    assertEquals(10, nated.streamed().size());
    answered(server, nated.at(mapped));
  }
}
