package org.quicmesh.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.PathControl;
import org.quicmesh.virtualtime.SimulationSystem;

/** The prober of one upgraded peer, in virtual time: checks on both paths every interval, and path switches. */
class PathProberTest {
  private static final NodeId PEER = NodeId.of(new byte[NodeId.LENGTH]);
  private static final Path.Direct DIRECT = new Path.Direct(new InetSocketAddress("203.0.113.10", 4000));
  private static final Path.Relayed RELAYED = new Path.Relayed(NodeId.of(filled(9)),
      new InetSocketAddress("203.0.113.1", 7000), 77L);
  private static final byte[] TOKEN = PathCheckTest.token(8);
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final int MAX_MISSES = 3;
  private static final ConnectSettings SETTINGS = new ConnectSettings(Duration.ofSeconds(5), Duration.ofSeconds(5),
      Duration.ofMillis(20), Duration.ofMillis(250), 3, INTERVAL, MAX_MISSES, Duration.ofMillis(50),
      Duration.ofSeconds(5), Duration.ofMinutes(2));

  private static byte[] filled(int b) {
    byte[] bytes = new byte[NodeId.LENGTH];
    java.util.Arrays.fill(bytes, (byte) b);
    return bytes;
  }

  /** Checks sent straight (the plane) and through the relay (the path control), in order. */
  private static final class Wire implements DatagramPlane, PathControl {
    final List<PathCheck> direct = new CopyOnWriteArrayList<>();
    final List<PathCheck> relayed = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Void> send(InetSocketAddress to, byte[] payload) {
      assertEquals(DIRECT.address(), to);
      direct.add(PathCheck.parse(payload).orElseThrow());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> send(Path path, byte[] payload) {
      assertEquals(RELAYED, path);
      relayed.add(PathCheck.parse(payload).orElseThrow());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> send(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
      return send(to, payload);
    }

    @Override
    public Registration listen(DatagramKind kind, DatagramListener listener) {
      throw new AssertionError("the prober does not listen");
    }

    @Override
    public CompletionStage<InetSocketAddress> open(InetSocketAddress local) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void route(NodeId peer, Path path) {
      throw new AssertionError("the prober does not route: it tells the manager");
    }

    @Override
    public Optional<Path> route(NodeId peer) {
      throw new AssertionError("unused");
    }

    @Override
    public Map<NodeId, Path> routes() {
      throw new AssertionError("unused");
    }

    @Override
    public void forget(NodeId peer) {
      throw new AssertionError("the prober does not forget routes");
    }
  }

  private SimulationSystem<Void> sim;
  private final Wire wire = new Wire();
  private final List<PathProber.Preferred> preferred = new CopyOnWriteArrayList<>();
  private final List<PathStats.Measured> measured = new CopyOnWriteArrayList<>();
  private ActorRef<PathProber.Command> prober;
  private int queries;

  @BeforeEach
  void start() {
    sim = SimulationSystem.create("prober", 9, Behaviors.<Void>empty());
    ActorRef<PathProber.Preferred> report = sim.system().systemActorOf(
        Behaviors.<PathProber.Preferred>receiveMessage(p -> {
          preferred.add(p);
          return Behaviors.same();
        }), "report", Props.empty());
    ActorRef<PathStats.Measured> figures = sim.system().systemActorOf(
        Behaviors.<PathStats.Measured>receiveMessage(m -> {
          measured.add(m);
          return Behaviors.same();
        }), "figures", Props.empty());
    prober = sim.system().systemActorOf(PathProber.create(PEER, DIRECT, 30, RELAYED, TOKEN, wire, wire, sim.clock(),
        new java.util.Random(9), SETTINGS, report, figures), "prober", Props.empty());
    sim.driver().runUntilIdle();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  /** One probe interval: the tick sends both checks; each is answered after its RTT or, if null, never. */
  private void round(Long directRtt, Long relayRtt) {
    sim.driver().runFor(INTERVAL);
    List<Map.Entry<Long, PathCheck>> answers = new ArrayList<>();
    if (directRtt != null) {
      answers.add(Map.entry(directRtt, wire.direct.get(wire.direct.size() - 1)));
    }
    if (relayRtt != null) {
      answers.add(Map.entry(relayRtt, wire.relayed.get(wire.relayed.size() - 1)));
    }
    answers.sort(Map.Entry.comparingByKey());
    long elapsed = 0;
    for (Map.Entry<Long, PathCheck> answer : answers) {
      sim.driver().runFor(Duration.ofMillis(answer.getKey() - elapsed));
      elapsed = answer.getKey();
      prober.tell(new PathProber.Answer(answer.getValue().answered()));
      sim.driver().runUntilIdle();
    }
  }

  private PathProber.Health health() {
    AtomicReference<PathProber.Health> result = new AtomicReference<>();
    ActorRef<PathProber.Health> into = sim.system().systemActorOf(Behaviors.<PathProber.Health>receiveMessage(h -> {
      result.set(h);
      return Behaviors.stopped();
    }), "health-" + queries++, Props.empty());
    prober.tell(new PathProber.GetHealth(into));
    sim.driver().runUntilIdle();
    return result.get();
  }

  @Test
  void everyIntervalOneCheckGoesOutOnEachPathWithThePeersToken() {
    sim.driver().runFor(INTERVAL.multipliedBy(3));

    assertEquals(3, wire.direct.size());
    assertEquals(3, wire.relayed.size());
    for (PathCheck check : wire.direct) {
      assertFalse(check.answer());
      assertEquals(PathCheck.key(TOKEN), PathCheck.key(check.token()));
    }
    assertNotEquals(wire.direct.get(0).transaction(), wire.relayed.get(0).transaction());
  }

  @Test
  void whileBothPathsAnswerAndDirectIsFastNothingIsReported() {
    for (int i = 0; i < 5; i++) {
      round(20L, 60L);
    }

    assertTrue(preferred.isEmpty());
    PathProber.Health health = health();
    assertTrue(health.directAlive());
    assertTrue(health.relayAlive());
    assertEquals(0.0, health.directLoss());
  }

  @Test
  void aDirectPathThatStopsAnsweringIsReplacedByTheRelayAfterMaxMisses() {
    round(20L, 60L);
    for (int i = 0; i < MAX_MISSES; i++) {
      round(null, 60L);
    }
    assertTrue(preferred.isEmpty(), "the last unanswered check is not a miss yet");

    round(null, 60L);

    assertEquals(1, preferred.size());
    assertEquals(RELAYED, preferred.get(0).path());
    assertFalse(preferred.get(0).health().directAlive());
    PathStats direct = lastMeasured("direct");
    assertEquals(DIRECT.via(), direct.via());
    assertFalse(direct.alive(), "the user's path figures say so too: " + direct);
    assertTrue(direct.loss() > 0.5, direct.toString());
    assertTrue(lastMeasured("relayed").alive());
    assertFalse(Double.isNaN(lastMeasured("relayed").rttMs()), "the relay answered: its RTT is known");
  }

  private PathStats lastMeasured(String kind) {
    return measured.stream().map(PathStats.Measured::path).filter(p -> p.kind().equals(kind))
        .reduce((first, second) -> second).orElseThrow();
  }

  @Test
  void aDeadDirectPathThatAnswersAgainTakesTheTrafficBack() {
    round(20L, 60L);
    for (int i = 0; i <= MAX_MISSES; i++) {
      round(null, 60L);
    }

    round(20L, 60L);

    assertEquals(List.of(RELAYED, DIRECT), preferred.stream().map(PathProber.Preferred::path).toList());
  }

  @Test
  void aRelayMuchFasterThanTheDirectPathTakesTheTraffic() {
    for (int i = 0; i < 10 && preferred.isEmpty(); i++) {
      round(300L, 20L);
    }

    assertEquals(1, preferred.size());
    assertEquals(RELAYED, preferred.get(0).path());
    assertTrue(preferred.get(0).health().directAlive(), "switched for speed, not because direct died");
  }
}
