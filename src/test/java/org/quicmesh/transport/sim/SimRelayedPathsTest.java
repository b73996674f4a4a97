package org.quicmesh.transport.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.nat.relay.RelayForwarder;
import org.quicmesh.nat.relay.RelaySettings;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.RelayFrame;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.TransportException;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.RelayForward;

/**
 * Routed peers in the simulator, end to end in virtual time: requests, answers and streams through a real
 * {@link RelayForwarder} between hosts whose NATs keep them apart, and a stream that moves between the relay and the
 * direct path, or to another relay, without losing or reordering a message.
 */
class SimRelayedPathsTest {
  private static final Duration ONE_WAY = Duration.ofMillis(20);
  private static final long SESSION_A = 0x1111_2222_3333_4444L;
  private static final long SESSION_B = 0x5555_6666_7777_8888L;

  private SimHosts hosts;
  private SimHosts.Host relay;
  private RelayForwarder forwarder;

  @BeforeEach
  void setUp() {
    hosts = new SimHosts("relayed", ONE_WAY, 1);
    relay = hosts.publicHost();
    forwarder = forwarderOn(relay, RelaySettings.defaults().withEnabled(true));
  }

  @AfterEach
  void tearDown() {
    forwarder.close();
    hosts.close();
  }

  private RelayForwarder forwarderOn(SimHosts.Host host, RelaySettings settings) {
    return new RelayForwarder(host.transport().datagrams(), hosts.sim.clock(), settings);
  }

  /** Where {@code relay} sees {@code host}: a probe from the host opens its NAT toward the relay, as a client would. */
  private InetSocketAddress seenBy(SimHosts.Host relay, SimHosts.Host host) {
    int before = relay.datagrams().size();
    hosts.datagram(host, relay.address(), "register");
    assertEquals(before + 1, relay.datagrams().size(), host + " reaches the relay");
    return relay.datagrams().get(before).sender();
  }

  /** Opens a session between two hosts on {@code relay} and routes each to the other through it. */
  private void relayBetween(SimHosts.Host relay, RelayForwarder forwarder, SimHosts.Host a, long sessionA,
      SimHosts.Host b, long sessionB) {
    forwarder.open(sessionA, seenBy(relay, a), sessionB, seenBy(relay, b));
    a.transport().paths().route(b.id(), new Path.Relayed(relay.id(), relay.address(), sessionA));
    b.transport().paths().route(a.id(), new Path.Relayed(relay.id(), relay.address(), sessionB));
  }

  /** A symmetric NAT and a port-restricted cone: no hole punching gets them together. */
  private SimHosts.Host[] apartBehindNats() {
    SimHosts.Host alice = hosts.behind(hosts.network.addNat(NatBehavior.SYMMETRIC));
    SimHosts.Host bob = hosts.behind(hosts.network.addNat(NatBehavior.PORT_RESTRICTED_CONE));
    return new SimHosts.Host[] {alice, bob};
  }

  private static Message numbered(SimHosts.Host from, int i, int bytes) {
    byte[] payload = new byte[bytes];
    java.util.Arrays.fill(payload, (byte) i);
    return new RelayForward(from.contact(), i, payload);
  }

  /**
   * A stream of {@code count} numbered messages from one host to another: one every {@code every} (ticks of the
   * virtual scheduler; Pekko's throttle would read the wall clock), or as fast as the link takes them if null.
   */
  private CompletableFuture<Done> stream(SimHosts.Host from, SimHosts.Host to, int count, Duration every, int bytes) {
    Source<Integer, ?> numbers = Source.range(0, count - 1);
    if (every != null) {
      numbers = Source.tick(every, every, 0).zipWith(numbers, (tick, i) -> i);
    }
    return numbers
        .map(i -> numbered(from, i, bytes))
        .runWith(from.transport().streamTo(to.contact()), hosts.sim.system())
        .toCompletableFuture();
  }

  private static void assertInOrder(SimHosts.Host receiver, int count, int bytes) {
    List<Message> got = receiver.streamed();
    assertEquals(count, got.size(), "every message arrived");
    for (int i = 0; i < count; i++) {
      RelayForward message = (RelayForward) got.get(i);
      assertEquals(i, message.sessionId(), "in order");
      assertArrayEquals(((RelayForward) numbered(receiver, i, bytes)).payload(), message.payload());
    }
  }

  @Test
  void requestsAndAnswersCrossTheRelayBetweenHostsWhoseNatsKeepThemApart() {
    SimHosts.Host[] pair = apartBehindNats();
    SimHosts.Host alice = pair[0];
    SimHosts.Host bob = pair[1];
    InetSocketAddress bobMapped = seenBy(relay, bob);
    hosts.timesOut(alice, bob.at(bobMapped));
    assertEquals(1, hosts.network.natDropCount(NatDrop.FILTERED), "no direct path");

    relayBetween(relay, forwarder, alice, SESSION_A, bob, SESSION_B);
    Reply reply = hosts.answered(alice, bob.contact());

    assertEquals(bob.id(), reply.peer(), "the peer is verified through the relay");
    assertEquals(relay.address(), reply.address(), "the reply names the real path, the relay");
    assertEquals(alice.id(), bob.lastRequest().peer());
    assertEquals(relay.address(), bob.lastObserved());
    assertEquals(2, forwarder.packetsForwarded(), "the request and its answer");
    assertTrue(forwarder.bytesForwarded() > 2 * SimPacket.MIN_BYTES, "frames weigh what the messages would");

    assertEquals(alice.id(), hosts.answered(bob, alice.contact()).peer());
    assertEquals(4, forwarder.packetsForwarded());
  }

  @Test
  void aStreamFlowsThroughTheRelayInOrder() {
    SimHosts.Host[] pair = apartBehindNats();
    relayBetween(relay, forwarder, pair[0], SESSION_A, pair[1], SESSION_B);

    CompletableFuture<Done> sent = stream(pair[0], pair[1], 200, null, 1000);
    hosts.runUntilDone(sent, Duration.ofSeconds(60));

    assertTrue(sent.isDone() && !sent.isCompletedExceptionally(), "the stream completed");
    assertInOrder(pair[1], 200, 1000);
    assertEquals(200, forwarder.packetsForwarded());
    assertTrue(forwarder.bytesForwarded() >= 200 * 1000);
  }

  @Test
  void switchingRoutesToDirectMovesTrafficOffTheRelayAndBackWithTheStreamIntact() {
    SimHosts.Host alice = hosts.behind(hosts.network.addNat(NatBehavior.PORT_RESTRICTED_CONE));
    SimHosts.Host bob = hosts.behind(hosts.network.addNat(NatBehavior.PORT_RESTRICTED_CONE));
    relayBetween(relay, forwarder, alice, SESSION_A, bob, SESSION_B);
    Path aliceViaRelay = alice.transport().paths().route(bob.id()).orElseThrow();
    Path bobViaRelay = bob.transport().paths().route(alice.id()).orElseThrow();
    InetSocketAddress aliceMapped = relay.datagrams().get(0).sender();
    InetSocketAddress bobMapped = relay.datagrams().get(1).sender();
    // Open the cones toward each other (Alice's first probe is filtered by Bob's box but opens hers).
    hosts.datagram(alice, bobMapped, "punch");
    hosts.datagram(bob, aliceMapped, "punch");
    assertEquals(1, alice.datagrams().size(), "the cones are open");
    int count = 1000;
    CompletableFuture<Done> sent = stream(alice, bob, count, Duration.ofMillis(10), 500);
    hosts.run(Duration.ofSeconds(1));
    long relayedAtFirst = forwarder.packetsForwarded();
    assertTrue(relayedAtFirst > 10, "the stream started on the relay: " + relayedAtFirst);

    alice.transport().paths().route(bob.id(), new Path.Direct(bobMapped));
    bob.transport().paths().route(alice.id(), new Path.Direct(aliceMapped));
    hosts.run(Duration.ofMillis(100)); // what was already on the relay path lands
    long atSwitch = forwarder.packetsForwarded();
    assertTrue(bob.streamed().size() < count / 2, "the switch came mid-stream");
    hosts.run(Duration.ofMillis(500));
    assertEquals(atSwitch, forwarder.packetsForwarded(), "the stream left the relay");
    assertEquals(bobMapped, hosts.answered(alice, bob.contact()).address(), "requests go direct too");

    alice.transport().paths().route(bob.id(), aliceViaRelay);
    bob.transport().paths().route(alice.id(), bobViaRelay);
    hosts.runUntilDone(sent, Duration.ofSeconds(60));

    assertTrue(sent.isDone() && !sent.isCompletedExceptionally(), "the stream completed");
    assertInOrder(bob, count, 500);
    assertTrue(forwarder.packetsForwarded() > atSwitch + 10, "back on the relay at the end");
    assertEquals(1, bob.transport().stats().requestsReceived(), "one request, answered direct");
  }

  @Test
  void framesOfUnknownSessionsOrFromSpoofedSourcesAreDroppedAndCountedAndServiceGoesOn() {
    SimHosts.Host[] pair = apartBehindNats();
    SimHosts.Host alice = pair[0];
    SimHosts.Host bob = pair[1];
    SimHosts.Host stranger = hosts.publicHost();
    relayBetween(relay, forwarder, alice, SESSION_A, bob, SESSION_B);
    byte[] payload = SimPacket.of(99, 20);

    stranger.transport().datagrams().send(relay.address(),
        new RelayFrame(RelayFrame.Direction.TO_RELAY, SESSION_A, payload).toBytes());
    alice.transport().datagrams().send(relay.address(),
        new RelayFrame(RelayFrame.Direction.TO_RELAY, 42, payload).toBytes());
    hosts.run(Duration.ofSeconds(1));
    assertEquals(1L, forwarder.dropped().get("spoofed-source"));
    assertEquals(1L, forwarder.dropped().get("unknown-session"));

    bob.transport().paths().forget(alice.id());
    hosts.timesOut(alice, bob.contact());
    assertEquals(1, bob.rejected("relay-unknown-session"), "Bob no longer knows the session");
    assertEquals(0, bob.transport().stats().requestsReceived());

    bob.transport().paths().route(alice.id(), new Path.Relayed(relay.id(), relay.address(), SESSION_B));
    assertEquals(bob.id(), hosts.answered(alice, bob.contact()).peer(), "the node keeps serving");
  }

  @Test
  void aSessionTheRouteDoesNotNameForItsSenderIsRefused() {
    SimHosts.Host[] pair = apartBehindNats();
    SimHosts.Host alice = pair[0];
    SimHosts.Host bob = pair[1];
    SimHosts.Host carol = hosts.publicHost();
    relayBetween(relay, forwarder, alice, SESSION_A, bob, SESSION_B);
    // Bob's route says the session is Carol's: what comes through it from Alice would not authenticate as Carol.
    bob.transport().paths().forget(alice.id());
    bob.transport().paths().route(carol.id(), new Path.Relayed(relay.id(), relay.address(), SESSION_B));

    hosts.timesOut(alice, bob.contact());

    assertEquals(1, bob.rejected("relay-peer-mismatch"));
    assertEquals(0, bob.transport().stats().requestsReceived());
  }

  @Test
  void probesOverARelayedPathReachTheProbeListenersFromTheRelay() {
    SimHosts.Host[] pair = apartBehindNats();
    relayBetween(relay, forwarder, pair[0], SESSION_A, pair[1], SESSION_B);
    Path viaRelay = pair[0].transport().paths().route(pair[1].id()).orElseThrow();

    pair[0].transport().paths().send(viaRelay, SimHosts.probe("are you there"));
    hosts.run(Duration.ofSeconds(1));

    List<Datagram> got = pair[1].datagrams();
    assertEquals(1, got.size());
    assertEquals(relay.address(), got.get(0).sender());
    assertArrayEquals(SimHosts.probe("are you there"), got.get(0).payload());
    assertEquals(pair[1].address(), got.get(0).local());
  }

  @Test
  void framesOverTheRelaysBandwidthAreDroppedAndTheStreamSendsThemAgainInOrder() {
    forwarder.close();
    RelaySettings slow = new RelaySettings(true, 8, 8, Duration.ofMinutes(10), Duration.ofMinutes(2),
        32 * 1024, 1024 * 1024);
    forwarder = forwarderOn(relay, slow);
    SimHosts.Host[] pair = apartBehindNats();
    relayBetween(relay, forwarder, pair[0], SESSION_A, pair[1], SESSION_B);

    // 120 messages of 4 KB: the 64 KB burst takes 16, then 32 KB/s lets 8 a second through.
    CompletableFuture<Done> sent = stream(pair[0], pair[1], 120, null, 4000);
    hosts.runUntilDone(sent, Duration.ofSeconds(60));

    assertTrue(sent.isDone() && !sent.isCompletedExceptionally(), "the stream completed");
    assertInOrder(pair[1], 120, 4000);
    assertTrue(forwarder.dropped().getOrDefault("session-over-limit", 0L) > 0, "the limit dropped frames");
    System.out.printf("over the relay's limit: %s dropped, %d forwarded%n", forwarder.dropped(),
        forwarder.packetsForwarded());
  }

  @Test
  void aRelayedRunReplaysExactly() {
    assertEquals(relayedRun(), relayedRun(), "same seed, same drops, same virtual times");
  }

  /** What a bandwidth-limited relayed stream did, on a fresh network with seed 7 and 5 % loss. */
  private static String relayedRun() {
    try (SimHosts fresh = new SimHosts("replay", ONE_WAY, 7)) {
      SimHosts.Host relay = fresh.publicHost();
      RelaySettings slow = new RelaySettings(true, 8, 8, Duration.ofMinutes(10), Duration.ofMinutes(2),
          32 * 1024, 1024 * 1024);
      try (RelayForwarder forwarder = new RelayForwarder(relay.transport().datagrams(), fresh.sim.clock(), slow)) {
        SimHosts.Host alice = fresh.behind(fresh.network.addNat(NatBehavior.SYMMETRIC));
        SimHosts.Host bob = fresh.behind(fresh.network.addNat(NatBehavior.PORT_RESTRICTED_CONE));
        fresh.datagram(alice, relay.address(), "register");
        fresh.datagram(bob, relay.address(), "register");
        forwarder.open(1, relay.datagrams().get(0).sender(), 2, relay.datagrams().get(1).sender());
        fresh.network.setLoss(0.05); // from here on: what a lost frame costs must replay too
        alice.transport().paths().route(bob.id(), new Path.Relayed(relay.id(), relay.address(), 1));
        bob.transport().paths().route(alice.id(), new Path.Relayed(relay.id(), relay.address(), 2));
        CompletableFuture<Done> sent = Source.range(0, 39)
            .map(i -> numbered(alice, i, 4000))
            .runWith(alice.transport().streamTo(bob.contact()), fresh.sim.system())
            .toCompletableFuture();
        fresh.runUntilDone(sent, Duration.ofSeconds(60));
        assertInOrder(bob, 40, 4000);
        return "done at " + fresh.sim.driver().nowMillis() + " ms, forwarded " + forwarder.packetsForwarded()
            + ", dropped " + forwarder.dropped() + ", network dropped " + fresh.network.droppedCount();
      }
    }
  }

  @Test
  void aStreamSurvivesItsRelayGoingAwayOnceTheRouteMovesToAnotherRelay() {
    SimHosts.Host[] pair = apartBehindNats();
    SimHosts.Host alice = pair[0];
    SimHosts.Host bob = pair[1];
    relayBetween(relay, forwarder, alice, SESSION_A, bob, SESSION_B);
    SimHosts.Host otherRelay = hosts.publicHost();
    try (RelayForwarder otherForwarder = forwarderOn(otherRelay, RelaySettings.defaults().withEnabled(true))) {
      CompletableFuture<Done> sent = stream(alice, bob, 200, Duration.ofMillis(10), 200);
      hosts.run(Duration.ofMillis(500));
      forwarder.close(SESSION_A); // the relay drops the session: frames of both ends now go nowhere
      hosts.run(Duration.ofSeconds(3));
      int stuckAt = bob.streamed().size();
      assertTrue(stuckAt < 100, "the stream stalled at " + stuckAt);

      relayBetween(otherRelay, otherForwarder, alice, 7, bob, 8);
      hosts.runUntilDone(sent, Duration.ofSeconds(60));

      assertTrue(sent.isDone() && !sent.isCompletedExceptionally(), "the stream completed");
      assertInOrder(bob, 200, 200);
      assertTrue(otherForwarder.packetsForwarded() >= 200 - stuckAt);
      assertTrue(forwarder.dropped().getOrDefault("unknown-session", 0L) > 0, "the old relay refused the rest");
    }
  }

  @Test
  void aStreamWithoutAPathForTheStallLimitBreaks() {
    SimHosts.Host[] pair = apartBehindNats();
    relayBetween(relay, forwarder, pair[0], SESSION_A, pair[1], SESSION_B);
    forwarder.close(SESSION_A);

    CompletableFuture<Done> sent = stream(pair[0], pair[1], 5, null, 100);
    hosts.run(SimLink.STALL_LIMIT.minusSeconds(1));
    assertTrue(!sent.isDone(), "still retransmitting");
    hosts.run(Duration.ofSeconds(3));

    TransportException failure = assertInstanceOf(TransportException.class, SimHosts.failure(sent));
    assertEquals(TransportException.Kind.UNREACHABLE, failure.kind());
    assertEquals(0, pair[1].streamed().size());
  }

  @Test
  void forgettingTheRouteClosesTheStreamsBoundToIt() {
    SimHosts.Host[] pair = apartBehindNats();
    relayBetween(relay, forwarder, pair[0], SESSION_A, pair[1], SESSION_B);
    CompletableFuture<Done> sent = stream(pair[0], pair[1], 100, Duration.ofMillis(10), 100);
    hosts.run(Duration.ofMillis(300));
    int before = pair[1].streamed().size();
    assertTrue(before > 0, "the stream was flowing");

    pair[0].transport().paths().forget(pair[1].id());
    hosts.runUntilDone(sent, Duration.ofSeconds(5));

    TransportException failure = assertInstanceOf(TransportException.class, SimHosts.failure(sent));
    assertEquals(TransportException.Kind.UNREACHABLE, failure.kind());
    assertTrue(pair[1].streamed().size() < 100);
  }
}
