package org.quicmesh.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.virtualtime.SimulationSystem;

/** One ICE attempt as an actor, in virtual time: paced checks out, the first answer nominates, or it gives up. */
class IceAgentTest {
  private static final NodeId PEER = NodeId.of(new byte[NodeId.LENGTH]);
  private static final InetSocketAddress A = new InetSocketAddress("203.0.113.10", 4000);
  private static final InetSocketAddress B = new InetSocketAddress("192.168.1.20", 4000);
  private static final InetSocketAddress REFLEXIVE = new InetSocketAddress("203.0.113.99", 61000);
  private static final byte[] TOKEN = PathCheckTest.token(4);
  private static final Duration PACE = Duration.ofMillis(20);
  private static final Duration PUNCH_TIMEOUT = Duration.ofSeconds(2);
  private static final ConnectSettings SETTINGS = new ConnectSettings(Duration.ofSeconds(5), PUNCH_TIMEOUT, PACE,
      Duration.ofMillis(250), 3, Duration.ofSeconds(1), 3, Duration.ofMillis(50), Duration.ofSeconds(5),
      Duration.ofMinutes(2));

  /** A plane that only records what is sent (the agent never listens). */
  private static final class SentChecks implements DatagramPlane {
    record Sent(InetSocketAddress to, PathCheck check) {}

    final List<Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public Registration listen(DatagramKind kind, DatagramListener listener) {
      throw new AssertionError("the agent does not listen: the manager hands it what arrives");
    }

    @Override
    public CompletionStage<Void> send(InetSocketAddress to, byte[] payload) {
      sent.add(new Sent(to, PathCheck.parse(payload).orElseThrow(() -> new AssertionError("not a path check"))));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> send(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
      return send(to, payload);
    }

    @Override
    public CompletionStage<InetSocketAddress> open(InetSocketAddress local) {
      throw new UnsupportedOperationException();
    }
  }

  private SimulationSystem<Void> sim;
  private final SentChecks plane = new SentChecks();
  private final List<IceAgent.Result> results = new CopyOnWriteArrayList<>();
  private ActorRef<IceAgent.Command> agent;

  @BeforeEach
  void start() {
    sim = SimulationSystem.create("ice", 5, Behaviors.<Void>empty());
    ActorRef<IceAgent.Result> report = sim.system().systemActorOf(Behaviors.<IceAgent.Result>receiveMessage(r -> {
      results.add(r);
      return Behaviors.same();
    }), "report", Props.empty());
    agent = sim.system().systemActorOf(IceAgent.create(PEER, List.of(A, B), TOKEN, plane, sim.clock(),
        new java.util.Random(5), SETTINGS, report), "agent", Props.empty());
    sim.driver().runUntilIdle();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private void answer(SentChecks.Sent sent) {
    agent.tell(new IceAgent.Answer(sent.check().answered()));
    sim.driver().runUntilIdle();
  }

  @Test
  void checksGoOutOnePerPaceInCandidateOrder() {
    sim.driver().runFor(PACE.multipliedBy(2));

    assertEquals(List.of(A, B), plane.sent.stream().map(SentChecks.Sent::to).toList());
    assertTrue(plane.sent.stream().noneMatch(s -> s.check().answer()));
  }

  @Test
  void nothingGoesOutBeforeTheFirstTick() {
    assertTrue(plane.sent.isEmpty());
  }

  @Test
  void theFirstAnswerNominatesItsCandidateWithTheMeasuredRttAndEndsTheAttempt() {
    sim.driver().runFor(PACE.multipliedBy(2));
    sim.driver().runFor(Duration.ofMillis(15));

    answer(plane.sent.get(1));

    IceAgent.Nominated nominated = assertInstanceOf(IceAgent.Nominated.class, results.get(0));
    assertEquals(PEER, nominated.peer());
    assertEquals(B, nominated.address());
    assertEquals(15, nominated.rttMillis());
    assertFalse(nominated.peerReflexive());
    int sentBefore = plane.sent.size();
    sim.driver().runFor(PUNCH_TIMEOUT);
    assertEquals(sentBefore, plane.sent.size(), "no checks after nomination");
    assertEquals(1, results.size(), "one result: no NoPath after a nomination");
  }

  @Test
  void aCheckFromAnUnknownAddressIsCheckedNextAndNominatedAsPeerReflexive() {
    sim.driver().runFor(PACE);

    agent.tell(new IceAgent.CheckedFrom(REFLEXIVE));
    sim.driver().runFor(PACE);

    SentChecks.Sent triggered = plane.sent.get(1);
    assertEquals(REFLEXIVE, triggered.to());
    answer(triggered);
    IceAgent.Nominated nominated = assertInstanceOf(IceAgent.Nominated.class, results.get(0));
    assertEquals(REFLEXIVE, nominated.address());
    assertTrue(nominated.peerReflexive());
  }

  @Test
  void anAnswerToNoCheckOfOursNominatesNothing() {
    sim.driver().runFor(PACE);

    agent.tell(new IceAgent.Answer(new PathCheck(true, TOKEN, plane.sent.get(0).check().transaction() ^ 1)));
    sim.driver().runUntilIdle();

    assertTrue(results.isEmpty());
  }

  @Test
  void withoutAnyAnswerTheAttemptReportsNoPathAtThePunchTimeout() {
    sim.driver().runFor(PUNCH_TIMEOUT.minusMillis(1));
    assertTrue(results.isEmpty(), "not before the timeout");

    sim.driver().runFor(Duration.ofMillis(1));

    assertEquals(List.of(new IceAgent.NoPath(PEER, 2)), results);
    assertEquals(2 * SETTINGS.maxChecksPerCandidate(), plane.sent.size(), "every candidate got all its checks");
  }
}
