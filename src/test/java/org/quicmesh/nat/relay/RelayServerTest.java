package org.quicmesh.nat.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.actor.FailureInjection;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.TestKeys;
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.relay.RelayServer.RelayStatus;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.RelayFrame;
import org.quicmesh.transport.RelayFrame.Direction;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.transport.sim.SimTransport;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.virtualtime.SimulationSystem;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.RelayClose;
import org.quicmesh.wire.RelayClosed;
import org.quicmesh.wire.RelayConnect;
import org.quicmesh.wire.RelayConnected;
import org.quicmesh.wire.RelayIncoming;
import org.quicmesh.wire.RelayReserve;
import org.quicmesh.wire.RelayReserved;
import org.quicmesh.wire.Request;
import org.quicmesh.wire.Response;

/**
 * A relay's control plane over the simulated network, in virtual time: a target reserves, a requester connects to it
 * by NodeId, frames flow through the session, and the relay's limits and expiry hold.
 */
class RelayServerTest {
  private static final Duration LATENCY = Duration.ofMillis(10);
  private static final Duration TTL = Duration.ofMinutes(10);
  private static final Duration IDLE = Duration.ofMinutes(1);
  /** The relay sweeps expired reservations and idle sessions this often. */
  private static final Duration SWEEP = Duration.ofSeconds(5);

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

  private static RelaySettings settings(int maxReservations, int maxSessions) {
    return new RelaySettings(true, maxReservations, maxSessions, TTL, IDLE, 4L * 1024 * 1024, 64L * 1024 * 1024);
  }

  /** A relay host with its RelayServer, a target, a requester and a stranger, each a simulated host. */
  private static final class Setup implements AutoCloseable {
    final SimulationSystem<Void> sim;
    final AtomicReference<SimNetwork> network = new AtomicReference<>();
    final AtomicReference<SimTransport> relay = new AtomicReference<>();
    final AtomicReference<SimTransport> target = new AtomicReference<>();
    final AtomicReference<SimTransport> requester = new AtomicReference<>();
    final AtomicReference<SimTransport> stranger = new AtomicReference<>();
    final AtomicReference<ActorRef<RelayServer.Command>> server = new AtomicReference<>();
    final AtomicReference<ActorRef<Object>> rawServer = new AtomicReference<>();
    /** Requests the target received (RelayIncoming). */
    final List<InboundRequest> targetGot = new CopyOnWriteArrayList<>();
    /** What the target answers them. */
    volatile Response targetAnswer = new Ack();
    /** What the target does before it answers (nothing unless a test says). */
    volatile java.util.function.Function<InboundRequest, CompletionStage<?>> beforeTargetAnswers =
        request -> CompletableFuture.completedFuture(null);
    /**
     * What the target and the requester received through the relay: each end routes the other through its end of the
     * session, so a frame the relay passed reaches the probe listeners unwrapped (a frame of another session would be
     * dropped by the host).
     */
    final List<byte[]> targetFrames = new CopyOnWriteArrayList<>();
    final List<byte[]> requesterFrames = new CopyOnWriteArrayList<>();
    /** What the relay advertised for its endpoint record, in order. */
    final List<org.quicmesh.identity.RelayService> advertised = new CopyOnWriteArrayList<>();
    private int statusQueries;

    Setup(RelaySettings settings) {
      sim = SimulationSystem.create("relay", 7, random -> Behaviors.<Void>setup(ctx -> {
        var clock = SimDriver.of(ctx.getSystem()).clock();
        SimNetwork network = new SimNetwork(ctx.getSystem(), clock, LatencyModel.constant(LATENCY), 7);
        SimTransport r = network.attach(key(1));
        SimTransport t = network.attach(key(2));
        SimTransport q = network.attach(key(3));
        SimTransport s = network.attach(key(4));
        // Supervised as the node supervises it: restarted on failure, failures injectable by the test.
        ActorRef<Object> supervised = ctx.spawn(Behaviors.supervise(FailureInjection.injectable(
            RelayServer.create(r, Contact.of(r.localId(), r.listenAddresses().get(0)), settings,
                RelayAdvertiseSettings.defaults(), clock, random, Duration.ofSeconds(2), advertised::add)))
            .onFailure(SupervisorStrategy.restart()), "relay-server");
        ActorRef<RelayServer.Command> ref = supervised.narrow();
        r.start(handler(request -> {
          CompletableFuture<Response> reply = new CompletableFuture<>();
          ref.tell(new RelayServer.Inbound(request, reply));
          return reply;
        }));
        t.start(handler(request -> {
          targetGot.add(request);
          return beforeTargetAnswers.apply(request).thenApply(done -> targetAnswer);
        }));
        q.start(handler(request -> CompletableFuture.completedFuture(new Ack())));
        s.start(handler(request -> CompletableFuture.completedFuture(new Ack())));
        t.datagrams().listen(DatagramKind.PROBE, d -> targetFrames.add(d.payload()));
        q.datagrams().listen(DatagramKind.PROBE, d -> requesterFrames.add(d.payload()));
        this.network.set(network);
        relay.set(r);
        target.set(t);
        requester.set(q);
        stranger.set(s);
        server.set(ref);
        rawServer.set(supervised);
        return Behaviors.empty();
      }));
      sim.driver().runUntilIdle();
    }

    private InboundHandler handler(java.util.function.Function<InboundRequest, CompletionStage<Response>> answer) {
      return new InboundHandler() {
        @Override
        public CompletionStage<Response> onRequest(InboundRequest request) {
          return answer.apply(request);
        }

        @Override
        public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
          messages.runWith(Sink.ignore(), sim.system());
        }
      };
    }

    static Contact contact(SimTransport host) {
      return Contact.of(host.localId(), host.listenAddresses().get(0));
    }

    InetSocketAddress relayAddress() {
      return relay.get().listenAddresses().get(0);
    }

    /** Sends {@code request} from {@code host} to the relay and runs the simulation until it is answered. */
    Response call(SimTransport host, Request request) {
      CompletableFuture<Reply> reply = host.request(contact(relay.get()), request, Duration.ofSeconds(5))
          .toCompletableFuture();
      assertTrue(sim.driver().runUntil(reply::isDone, Duration.ofSeconds(10)), "no answer to " + request);
      return reply.join().response();
    }

    Response reserve(SimTransport host) {
      return call(host, new RelayReserve(contact(host)));
    }

    Response connect(SimTransport from, SimTransport to) {
      return call(from, new RelayConnect(contact(from), to.localId()));
    }

    Response closeSession(SimTransport from, long session) {
      return call(from, new RelayClose(contact(from), session));
    }

    /** Reserves for the target and connects the requester to it: the requester's end of the session. */
    long openSession() {
      assertInstanceOf(RelayReserved.class, reserve(target.get()));
      long requesterEnd =
          assertInstanceOf(RelayConnected.class, connect(requester.get(), target.get())).sessionId();
      NodeId relayId = relay.get().localId();
      requester.get().paths().route(target.get().localId(), new Path.Relayed(relayId, relayAddress(), requesterEnd));
      target.get().paths().route(requester.get().localId(), new Path.Relayed(relayId, relayAddress(), targetEnd()));
      return requesterEnd;
    }

    /** A probe-kind datagram carrying {@code payload} (what a prober sends over a relayed path). */
    static byte[] probe(byte[] payload) {
      byte[] magic = DatagramKind.probeMagic();
      byte[] datagram = java.util.Arrays.copyOf(magic, magic.length + payload.length);
      System.arraycopy(payload, 0, datagram, magic.length, payload.length);
      return datagram;
    }

    /** The target's end of the session, from the RelayIncoming it was sent. */
    long targetEnd() {
      return ((RelayIncoming) targetGot.get(targetGot.size() - 1).message()).sessionId();
    }

    /** Sends one frame into the relay from {@code host}; runs until {@code into} has grown or 1 s passed. */
    boolean frame(SimTransport host, long session, byte[] payload, List<byte[]> into) {
      int before = into.size();
      host.datagrams().send(relayAddress(), new RelayFrame(Direction.TO_RELAY, session, probe(payload)).toBytes());
      return sim.driver().runUntil(() -> into.size() > before, Duration.ofSeconds(1));
    }

    /** Makes the relay server fail inside its own message handling, as a bug would; its supervisor restarts it. */
    void crashServer() {
      rawServer.get().tell(new FailureInjection.Fail("test"));
      sim.driver().runUntilIdle();
    }

    RelayStatus status() {
      AtomicReference<RelayStatus> result = new AtomicReference<>();
      ActorRef<RelayStatus> into = sim.system().systemActorOf(Behaviors.<RelayStatus>receiveMessage(m -> {
        result.set(m);
        return Behaviors.stopped();
      }), "status-" + statusQueries++, Props.empty());
      server.get().tell(new RelayServer.GetStatus(into));
      assertTrue(sim.driver().runUntil(() -> result.get() != null, Duration.ofSeconds(1)), "no status");
      return result.get();
    }

    @Override
    public void close() {
      sim.close();
    }
  }

  @Test
  void aReservationIsGrantedForTheConfiguredTtlWithTheRelaysLoad() {
    setup = new Setup(settings(4, 8));

    RelayReserved reserved = assertInstanceOf(RelayReserved.class, setup.reserve(setup.target.get()));

    assertEquals(TTL.toMillis(), reserved.ttlMillis());
    assertEquals(250, reserved.loadPermille(), "one of four reservations held");
    assertEquals(1, setup.status().reservations());
  }

  @Test
  void reservingAgainRenewsTheSameReservation() {
    setup = new Setup(settings(4, 8));
    setup.reserve(setup.target.get());

    assertInstanceOf(RelayReserved.class, setup.reserve(setup.target.get()));

    RelayStatus status = setup.status();
    assertEquals(1, status.reservations());
    assertEquals(1L, status.counters().get("reservations.granted"));
    assertEquals(1L, status.counters().get("reservations.renewed"));
  }

  @Test
  void aRenewedReservationLastsATtlFromTheRenewal() {
    setup = new Setup(settings(4, 8));
    setup.reserve(setup.target.get());
    setup.sim.driver().runFor(TTL.minusMinutes(1));
    setup.reserve(setup.target.get());

    setup.sim.driver().runFor(Duration.ofMinutes(2));

    assertEquals(1, setup.status().reservations());
    assertInstanceOf(RelayConnected.class, setup.connect(setup.requester.get(), setup.target.get()));
  }

  /** The advertisement at start, then the flip to not accepting at the cap, said only 30 s after the first. */
  @Test
  void theRelayAdvertisesAtStartAndWhenItFillsUpButNotMoreOftenThanTheMinimumInterval() {
    setup = new Setup(settings(2, 8));
    assertEquals(List.of(new org.quicmesh.identity.RelayService(true, 0,
        org.quicmesh.identity.RelayService.CURRENT)), setup.advertised);
    setup.reserve(setup.target.get());
    setup.reserve(setup.requester.get()); // 2 of 2: full
    assertEquals(1, setup.advertised.size(), "the change waits for the minimum interval");

    setup.sim.driver().runFor(RelayAdvertiseSettings.defaults().minInterval().plus(SWEEP));

    assertEquals(2, setup.advertised.size(), setup.advertised.toString());
    assertEquals(false, setup.advertised.get(1).accepting());
    assertEquals(1000, setup.advertised.get(1).loadPermille());
    assertEquals(1000, assertInstanceOf(RelayReserved.class, setup.reserve(setup.target.get())).loadPermille(),
        "reservations carry the same load");
    setup.sim.driver().runFor(Duration.ofMinutes(2));
    assertEquals(2, setup.advertised.size(), "nothing changed since: nothing said");
  }

  @Test
  void aFullRelayRefusesNewReservationsButRenewsHeldOnes() {
    setup = new Setup(settings(1, 8));
    setup.reserve(setup.target.get());

    Rejected refused = assertInstanceOf(Rejected.class, setup.reserve(setup.stranger.get()));
    Response renewed = setup.reserve(setup.target.get());

    assertEquals(Rejected.Reason.OVERLOADED, refused.reason());
    assertInstanceOf(RelayReserved.class, renewed);
    assertEquals(1L, setup.status().counters().get("reservations.refused.full"));
  }

  @Test
  void connectingToAReservedTargetOpensASessionAndTellsTheTarget() {
    setup = new Setup(settings(4, 8));

    long requesterEnd = setup.openSession();

    assertEquals(1, setup.targetGot.size());
    InboundRequest told = setup.targetGot.get(0);
    RelayIncoming incoming = assertInstanceOf(RelayIncoming.class, told.message());
    assertEquals(setup.relay.get().localId(), told.peer(), "told by the relay itself");
    assertEquals(setup.requester.get().localId(), incoming.peer());
    assertNotEquals(requesterEnd, incoming.sessionId(), "each end has its own session id");
    assertEquals(1, setup.status().sessions());
  }

  @Test
  void framesFlowBothWaysThroughAnOpenedSession() {
    setup = new Setup(settings(4, 8));
    long requesterEnd = setup.openSession();
    long targetEnd = setup.targetEnd();
    byte[] hello = {0x40, 'h', 'i'};
    byte[] back = {0x40, 'y', 'o'};

    assertTrue(setup.frame(setup.requester.get(), requesterEnd, hello, setup.targetFrames), "to the target");
    assertTrue(setup.frame(setup.target.get(), targetEnd, back, setup.requesterFrames), "back to the requester");

    // Each arrived as a FROM_RELAY frame of the receiver's own end (the only session its route accepts).
    assertArrayEquals(Setup.probe(hello), setup.targetFrames.get(0));
    assertArrayEquals(Setup.probe(back), setup.requesterFrames.get(0));
    assertNotEquals(requesterEnd, targetEnd, "each end has its own session id");
  }

  @Test
  void connectingToATargetWithoutAReservationIsRefusedAsUnknownPeer() {
    setup = new Setup(settings(4, 8));

    Rejected refused = assertInstanceOf(Rejected.class, setup.connect(setup.requester.get(), setup.target.get()));

    assertEquals(Rejected.Reason.UNKNOWN_PEER, refused.reason());
    assertTrue(setup.targetGot.isEmpty(), "the target is not bothered");
    assertEquals(0, setup.status().sessions());
  }

  @Test
  void aReservationNotRenewedExpiresAfterItsTtl() {
    setup = new Setup(settings(4, 8));
    setup.reserve(setup.target.get());

    setup.sim.driver().runFor(TTL.plus(SWEEP));

    assertEquals(0, setup.status().reservations());
    Rejected refused = assertInstanceOf(Rejected.class, setup.connect(setup.requester.get(), setup.target.get()));
    assertEquals(Rejected.Reason.UNKNOWN_PEER, refused.reason());
  }

  @Test
  void aTargetThatDoesNotTakeTheSessionMakesTheConnectFailAndTheSessionClose() {
    setup = new Setup(settings(4, 8));
    setup.reserve(setup.target.get());
    setup.targetAnswer = new Rejected(Rejected.Reason.OVERLOADED, "busy");

    Rejected refused = assertInstanceOf(Rejected.class, setup.connect(setup.requester.get(), setup.target.get()));

    assertEquals(Rejected.Reason.UNKNOWN_PEER, refused.reason());
    assertEquals(0, setup.status().sessions());
    assertFalse(setup.frame(setup.target.get(), setup.targetEnd(), new byte[] {1}, setup.requesterFrames),
        "the target's end passes nothing");
  }

  @Test
  void aTargetThatDoesNotAnswerMakesTheConnectFailWithinTheRelaysRequestTimeout() {
    setup = new Setup(settings(4, 8));
    setup.reserve(setup.target.get());
    setup.network.get().crash(setup.target.get().listenAddresses().get(0));
    long before = setup.sim.driver().nowMillis();

    Rejected refused = assertInstanceOf(Rejected.class, setup.connect(setup.requester.get(), setup.target.get()));

    assertEquals(Rejected.Reason.UNKNOWN_PEER, refused.reason());
    assertTrue(setup.sim.driver().nowMillis() - before < 2_000 + 4 * LATENCY.toMillis(),
        "answered once the relay's own 2 s request to the target timed out");
    assertEquals(0, setup.status().sessions());
  }

  @Test
  void aSessionClosedBeforeTheTargetAcceptedItIsNotReportedOpenToTheRequester() {
    setup = new Setup(settings(4, 8));
    setup.reserve(setup.target.get());
    setup.beforeTargetAnswers = request -> setup.target.get().request(Setup.contact(setup.relay.get()),
        new RelayClose(Setup.contact(setup.target.get()), ((RelayIncoming) request.message()).sessionId()),
        Duration.ofSeconds(2));

    Response answer = setup.connect(setup.requester.get(), setup.target.get());

    assertInstanceOf(Rejected.class, answer, "the session is closed: " + answer);
    assertEquals(0, setup.status().sessions());
  }

  @Test
  void aRelayAtItsMaximumOfSessionsRefusesAnother() {
    setup = new Setup(settings(4, 1));
    setup.openSession();

    Rejected refused = assertInstanceOf(Rejected.class, setup.connect(setup.stranger.get(), setup.target.get()));

    assertEquals(Rejected.Reason.OVERLOADED, refused.reason());
    assertEquals(1, setup.targetGot.size(), "the target heard of the first session only");
    assertEquals(1L, setup.status().counters().get("sessions.refused.full"));
  }

  @Test
  void aClosedSessionFreesItsPlaceForAnother() {
    setup = new Setup(settings(4, 1));
    long first = setup.openSession();
    setup.closeSession(setup.requester.get(), first);

    assertInstanceOf(RelayConnected.class, setup.connect(setup.stranger.get(), setup.target.get()));
  }

  @Test
  void theRequesterMayCloseItsSession() {
    setup = new Setup(settings(4, 8));
    long requesterEnd = setup.openSession();
    long targetEnd = setup.targetEnd();

    assertEquals(new RelayClosed(requesterEnd), setup.closeSession(setup.requester.get(), requesterEnd));

    assertEquals(0, setup.status().sessions());
    assertFalse(setup.frame(setup.target.get(), targetEnd, new byte[] {1}, setup.requesterFrames),
        "nothing passes any more");
  }

  @Test
  void theTargetMayCloseTheSessionByItsOwnEnd() {
    setup = new Setup(settings(4, 8));
    setup.openSession();
    long targetEnd = setup.targetEnd();

    assertEquals(new RelayClosed(targetEnd), setup.closeSession(setup.target.get(), targetEnd));

    assertEquals(0, setup.status().sessions());
  }

  @Test
  void nobodyButTheEndsMayCloseASession() {
    setup = new Setup(settings(4, 8));
    long requesterEnd = setup.openSession();

    Rejected refused = assertInstanceOf(Rejected.class, setup.closeSession(setup.stranger.get(), requesterEnd));

    assertEquals(Rejected.Reason.UNKNOWN_PEER, refused.reason());
    assertEquals(1, setup.status().sessions());
    assertTrue(setup.frame(setup.requester.get(), requesterEnd, new byte[] {1}, setup.targetFrames),
        "the session still carries frames");
  }

  @Test
  void closingASessionThatIsNotOpenIsAnsweredAsClosed() {
    setup = new Setup(settings(4, 8));

    assertEquals(new RelayClosed(42L), setup.closeSession(setup.stranger.get(), 42L));
  }

  @Test
  void aSessionWithoutTrafficExpiresAfterTheIdleTime() {
    setup = new Setup(settings(4, 8));
    setup.openSession();

    setup.sim.driver().runFor(IDLE.minus(SWEEP.multipliedBy(2)));
    assertEquals(1, setup.status().sessions(), "not idle long enough yet");
    setup.sim.driver().runFor(SWEEP.multipliedBy(3));

    RelayStatus status = setup.status();
    assertEquals(0, status.sessions());
    assertEquals(1L, status.counters().get("sessions.expired"));
  }

  @Test
  void aSessionCarryingTrafficDoesNotExpire() {
    setup = new Setup(settings(4, 8));
    long requesterEnd = setup.openSession();

    for (int i = 0; i < 6; i++) {
      setup.sim.driver().runFor(IDLE.dividedBy(2));
      assertTrue(setup.frame(setup.requester.get(), requesterEnd, new byte[] {(byte) i}, setup.targetFrames),
          "frame " + i + " passed");
    }

    assertEquals(1, setup.status().sessions());
  }

  @Test
  void aRequestThatIsNotARelayRequestIsRefusedAsUnsupported() {
    setup = new Setup(settings(4, 8));

    Rejected refused = assertInstanceOf(Rejected.class,
        setup.call(setup.stranger.get(), new Ping(Setup.contact(setup.stranger.get()))));

    assertEquals(Rejected.Reason.UNSUPPORTED, refused.reason());
  }

  @Test
  void aRestartedRelayEndsTheSessionsItForgotInsteadOfForwardingThemUnchecked() {
    setup = new Setup(settings(4, 8));
    long requesterEnd = setup.openSession();

    setup.crashServer();

    assertEquals(0, setup.status().sessions(), "the new incarnation knows no session");
    assertFalse(setup.frame(setup.requester.get(), requesterEnd, new byte[] {1}, setup.targetFrames),
        "a session nobody accounts for (no limits, no idle expiry, no close) must not carry frames");
  }

  @Test
  void aRestartedRelayServesNewSessions() {
    setup = new Setup(settings(4, 8));
    setup.crashServer();

    long requesterEnd = setup.openSession();

    assertTrue(setup.frame(setup.requester.get(), requesterEnd, new byte[] {1}, setup.targetFrames));
    assertEquals(1, setup.targetFrames.size(), "delivered once");
  }
}
