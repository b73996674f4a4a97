package org.quicmesh.nat.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.TestKeys;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.transport.sim.SimTransport;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.virtualtime.SimulationSystem;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.RelayReserve;
import org.quicmesh.wire.RelayReserved;
import org.quicmesh.wire.Response;

/**
 * A node behind a NAT keeping reservations with the best relays: a near relay (10 ms one way) and a far one (50 ms),
 * both real RelayServers on the simulated network, in virtual time.
 */
class RelayClientTest {
  private static final Duration NEAR = Duration.ofMillis(10);
  private static final Duration FAR = Duration.ofMillis(50);
  private static final Duration EVERY = Duration.ofSeconds(30);
  private static final Duration DISCOVER_EVERY = Duration.ofSeconds(20);

  /** The client finds relays in a (fake) mesh: the near relay's record says {@code nearAccepting}. */
  private record Discovery(boolean nearAccepting, org.quicmesh.nat.NatType nat) {}

  private Setup setup;

  /** The n-th fixed keypair. */
  static Keypair key(int n) {
    return TestKeys.fixed(n);
  }

  @AfterEach
  void close() {
    if (setup != null) {
      setup.close();
    }
  }

  private static RelaySettings settings(int maxReservations) {
    return new RelaySettings(true, maxReservations, 16, Duration.ofMinutes(10), Duration.ofMinutes(2),
        4L * 1024 * 1024, 64L * 1024 * 1024);
  }

  private static final class Setup implements AutoCloseable {
    final SimulationSystem<Void> sim;
    final AtomicReference<SimNetwork> network = new AtomicReference<>();
    final AtomicReference<SimTransport> near = new AtomicReference<>();
    final AtomicReference<SimTransport> far = new AtomicReference<>();
    final AtomicReference<SimTransport> node = new AtomicReference<>();
    final AtomicReference<SimTransport> other = new AtomicReference<>();
    final AtomicReference<ActorRef<RelayClient.Command>> client = new AtomicReference<>();
    final AtomicReference<ActorRef<RelayServer.Command>> nearServer = new AtomicReference<>();
    /** Every list of held relays the client reported, in order. */
    final List<List<Contact>> reported = new CopyOnWriteArrayList<>();
    /** Where the relays said they see the node. */
    final List<java.net.InetSocketAddress> seen = new CopyOnWriteArrayList<>();
    /** The nodes whose records the client resolved. */
    final List<NodeId> resolved = new CopyOnWriteArrayList<>();
    private int queries;

    /** {@code nearMaxReservations}: the near relay's capacity (1 makes it full once somebody else reserved). */
    Setup(int nearMaxReservations, int keep, boolean otherReservesNearFirst) {
      this(nearMaxReservations, keep, otherReservesNearFirst, -1, null);
    }

    Setup(int nearMaxReservations, int keep, boolean otherReservesNearFirst, int nearTier) {
      this(nearMaxReservations, keep, otherReservesNearFirst, nearTier, null);
    }

    /**
     * {@code nearTier}: if not negative, the client runs inside a (fake) mesh whose Dht puts the near relay in this
     * latency tier and the far one in tier 0.
     */
    Setup(int nearMaxReservations, int keep, boolean otherReservesNearFirst, int nearTier, Discovery discovery) {
      AtomicReference<InetSocketAddress> farAddress = new AtomicReference<>();
      sim = SimulationSystem.create("relay-client", 3, random -> Behaviors.<Void>setup(ctx -> {
        var clock = SimDriver.of(ctx.getSystem()).clock();
        SimNetwork net = new SimNetwork(ctx.getSystem(), clock,
            (from, to) -> from.equals(farAddress.get()) || to.equals(farAddress.get()) ? FAR : NEAR, 3);
        SimTransport n = net.attach(key(1));
        SimTransport f = net.attach(key(2));
        farAddress.set(f.listenAddresses().get(0));
        ActorRef<RelayServer.Command> nearRef = ctx.spawn(RelayServer.create(n, contact(n),
            settings(nearMaxReservations), clock, random, Duration.ofSeconds(2)), "near");
        serve(nearRef, n);
        nearServer.set(nearRef);
        serve(ctx.spawn(RelayServer.create(f, contact(f), settings(512), clock, random, Duration.ofSeconds(2)),
            "far"), f);
        SimTransport me = net.attach(key(3));
        SimTransport o = net.attach(key(4));
        network.set(net);
        near.set(n);
        far.set(f);
        node.set(me);
        other.set(o);
        return Behaviors.empty();
      }));
      sim.driver().runUntilIdle();
      if (otherReservesNearFirst) {
        CompletableFuture<Reply> done = other.get().request(near.get().listenAddresses().get(0),
            new RelayReserve(contact(other.get())), Duration.ofSeconds(2)).toCompletableFuture();
        assertTrue(sim.driver().runUntil(done::isDone, Duration.ofSeconds(5)));
        assertInstanceOf(RelayReserved.class, done.join().response());
      }
      Optional<RelayClient.Mesh> mesh = Optional.empty();
      if (nearTier >= 0 || discovery != null) {
        long expires = SimDriver.of(sim.system()).clock().millis() + 3_600_000;
        java.util.Map<NodeId, org.quicmesh.identity.EndpointRecord> records = discovery == null ? java.util.Map.of()
            : java.util.Map.of(
                near.get().localId(), relayRecord(key(1), near.get(), discovery.nearAccepting(), expires),
                far.get().localId(), relayRecord(key(2), far.get(), true, expires));
        List<org.quicmesh.dht.PeerInfo> peers = List.of(
            new org.quicmesh.dht.PeerInfo(contact(near.get()), nearTier, java.util.OptionalDouble.of(20)),
            new org.quicmesh.dht.PeerInfo(contact(far.get()), 0, java.util.OptionalDouble.of(100)));
        ActorRef<org.quicmesh.dht.Dht.Command> dht = sim.system().systemActorOf(
            Behaviors.<org.quicmesh.dht.Dht.Command>receiveMessage(m -> {
              if (m instanceof org.quicmesh.dht.Dht.GetPeers get) {
                get.replyTo().tell(peers);
              } else if (m instanceof org.quicmesh.dht.Dht.Resolve resolve) {
                resolved.add(resolve.node());
                var record = records.get(resolve.node());
                resolve.replyTo().tell(record != null ? org.apache.pekko.pattern.StatusReply.success(record)
                    : org.apache.pekko.pattern.StatusReply.error("no record"));
              }
              return Behaviors.same();
            }), "dht", Props.empty());
        ActorRef<org.quicmesh.nat.NatDetector.Command> nat = sim.system().systemActorOf(
            Behaviors.<org.quicmesh.nat.NatDetector.Command>receiveMessage(m -> {
              if (m instanceof org.quicmesh.nat.NatDetector.GetVerdict get && discovery != null) {
                get.replyTo().tell(Optional.of(new org.quicmesh.nat.NatClassification(discovery.nat(),
                    org.quicmesh.nat.MappingBehavior.UNKNOWN, org.quicmesh.nat.FilteringBehavior.UNKNOWN, List.of(),
                    new org.quicmesh.nat.NatEvidence(List.of(), List.of(), List.of()))));
              }
              return Behaviors.same();
            }), "nat", Props.empty());
        mesh = Optional.of(new RelayClient.Mesh(dht, nat,
            new RelayDiscoverySettings(discovery != null, DISCOVER_EVERY, 4, Duration.ofMinutes(10)),
            SimDriver.of(sim.system()).clock()));
      }
      List<InetSocketAddress> configured = discovery != null ? List.of()
          : List.of(far.get().listenAddresses().get(0), near.get().listenAddresses().get(0));
      client.set(sim.system().systemActorOf(RelayClient.create(node.get(), contact(node.get()),
          configured, keep, EVERY,
          Duration.ofSeconds(2), mesh, reported::add, seen::add), "client", Props.empty()));
      sim.driver().runFor(Duration.ofSeconds(1)); // the first round, asked at once
    }

    private static org.quicmesh.identity.EndpointRecord relayRecord(Keypair keypair, SimTransport host,
        boolean accepting, long expires) {
      String address = Contact.Addresses.format(host.listenAddresses().get(0));
      return org.quicmesh.identity.EndpointRecord.sign(keypair, List.of(address),
          List.of(org.quicmesh.identity.AddressKind.HOST), List.of(),
          new org.quicmesh.identity.RelayService(accepting, accepting ? 0 : 1000,
              org.quicmesh.identity.RelayService.CURRENT), 1, expires);
    }

    private void serve(ActorRef<RelayServer.Command> server, SimTransport host) {
      host.start(new InboundHandler() {
        @Override
        public java.util.concurrent.CompletionStage<Response> onRequest(InboundRequest request) {
          CompletableFuture<Response> reply = new CompletableFuture<>();
          server.tell(new RelayServer.Inbound(request, reply));
          return reply;
        }

        @Override
        public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
          messages.runWith(Sink.ignore(), sim.system());
        }
      });
    }

    static Contact contact(SimTransport host) {
      return Contact.of(host.localId(), host.listenAddresses().get(0));
    }

    List<Contact> held() {
      AtomicReference<List<Contact>> result = new AtomicReference<>();
      ActorRef<List<Contact>> into = sim.system().systemActorOf(Behaviors.<List<Contact>>receiveMessage(m -> {
        result.set(m);
        return Behaviors.stopped();
      }), "held-" + queries++, Props.empty());
      client.get().tell(new RelayClient.GetRelays(into));
      assertTrue(sim.driver().runUntil(() -> result.get() != null, Duration.ofSeconds(1)), "no answer");
      return result.get();
    }

    RelayServer.RelayStatus nearStatus() {
      AtomicReference<RelayServer.RelayStatus> result = new AtomicReference<>();
      ActorRef<RelayServer.RelayStatus> into = sim.system().systemActorOf(
          Behaviors.<RelayServer.RelayStatus>receiveMessage(m -> {
            result.set(m);
            return Behaviors.stopped();
          }), "status-" + queries++, Props.empty());
      nearServer.get().tell(new RelayServer.GetStatus(into));
      assertTrue(sim.driver().runUntil(() -> result.get() != null, Duration.ofSeconds(1)), "no status");
      return result.get();
    }

    @Override
    public void close() {
      sim.close();
    }
  }

  @Test
  void ofTwoQuietRelaysTheNearerIsKept() {
    setup = new Setup(512, 1, false);

    assertEquals(List.of(Setup.contact(setup.near.get())), setup.held());
    assertEquals(List.of(List.of(Setup.contact(setup.near.get()))), setup.reported);
  }

  @Test
  void everyGrantedReservationSaysWhereTheRelaySeesTheNode() {
    setup = new Setup(512, 1, false);

    assertEquals(List.of(setup.node.get().listenAddresses().get(0), setup.node.get().listenAddresses().get(0)),
        setup.seen, "both relays answered the first round; the node is public, so they see its own address");
  }

  /** Near: 20 ms RTT in tier 5 (score 120); far: 100 ms in tier 0 (score 100). */
  @Test
  void theTierTermComesFromTheDhtsLatencyTiers() {
    setup = new Setup(512, 1, false, 5);

    assertEquals(List.of(Setup.contact(setup.far.get())), setup.held());
  }

  @Test
  void inTheSameTierTheNearerStillWins() {
    setup = new Setup(512, 1, false, 0);

    assertEquals(List.of(Setup.contact(setup.near.get())), setup.held());
  }

  @Test
  void withNoRelayConfiguredBehindASymmetricNatTheClientFindsRelaysInTheMesh() {
    setup = new Setup(512, 1, false, 0, new Discovery(true, org.quicmesh.nat.NatType.SYMMETRIC));
    assertTrue(setup.held().isEmpty(), "nothing configured, nothing found yet");

    setup.sim.driver().runFor(DISCOVER_EVERY.plusSeconds(2));

    assertEquals(List.of(Setup.contact(setup.near.get())), setup.held());
  }

  @Test
  void aRelayWhoseRecordRefusesIsNotAskedThoughItIsNearer() {
    setup = new Setup(512, 1, false, 0, new Discovery(false, org.quicmesh.nat.NatType.SYMMETRIC));

    setup.sim.driver().runFor(DISCOVER_EVERY.plusSeconds(2));

    assertEquals(List.of(Setup.contact(setup.far.get())), setup.held());
    assertEquals(0, setup.nearStatus().reservations());
  }

  @Test
  void aReachableNodeDoesNotLookForRelays() {
    setup = new Setup(512, 1, false, 0, new Discovery(true, org.quicmesh.nat.NatType.FULL_CONE));

    setup.sim.driver().runFor(DISCOVER_EVERY.multipliedBy(3));

    assertTrue(setup.held().isEmpty());
    assertTrue(setup.resolved.isEmpty(), "no record resolved: " + setup.resolved);
  }

  @Test
  void keepingTwoKeepsBothBestFirst() {
    setup = new Setup(512, 2, false);

    assertEquals(List.of(Setup.contact(setup.near.get()), Setup.contact(setup.far.get())), setup.held());
  }

  @Test
  void aQuietFarRelayBeatsAFullNearOne() {
    setup = new Setup(2, 1, true); // the near relay holds 2 of 2 once we reserved: load 1000, score 20 + 100

    assertEquals(List.of(Setup.contact(setup.far.get())), setup.held());
  }

  @Test
  void unchangedRoundsAreNotReportedAgain() {
    setup = new Setup(512, 1, false);

    setup.sim.driver().runFor(EVERY.multipliedBy(3));

    assertEquals(1, setup.reported.size());
  }

  @Test
  void aRelayThatStopsAnsweringIsReplacedAtTheNextRound() {
    setup = new Setup(512, 1, false);
    setup.network.get().crash(setup.near.get().listenAddresses().get(0));

    setup.sim.driver().runFor(EVERY.plusSeconds(3));

    assertEquals(List.of(Setup.contact(setup.far.get())), setup.held());
    assertEquals(List.of(Setup.contact(setup.far.get())), setup.reported.get(setup.reported.size() - 1));
  }

  @Test
  void withNoRelayAnsweringNoneIsHeld() {
    setup = new Setup(512, 1, false);
    setup.network.get().crash(setup.near.get().listenAddresses().get(0));
    setup.network.get().crash(setup.far.get().listenAddresses().get(0));

    setup.sim.driver().runFor(EVERY.plusSeconds(3));

    assertTrue(setup.held().isEmpty());
    assertEquals(List.of(), setup.reported.get(setup.reported.size() - 1));
  }

  @Test
  void reservationsAreRenewedEveryRoundSoTheyOutliveTheirTtl() {
    setup = new Setup(512, 1, false);

    setup.sim.driver().runFor(Duration.ofMinutes(25)); // 2.5 reservation TTLs of 10 min

    RelayServer.RelayStatus near = setup.nearStatus();
    assertEquals(1, near.reservations(), "still held at the near relay");
    assertEquals(1L, near.counters().get("reservations.granted"));
    assertTrue(near.counters().get("reservations.renewed") >= 25 * 60 / EVERY.toSeconds() - 1, "" + near);
  }
}
