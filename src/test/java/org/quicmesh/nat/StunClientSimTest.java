package org.quicmesh.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.nat.stun.Retransmission;
import org.quicmesh.nat.stun.StunServerAddresses;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.transport.sim.SimTransport;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.virtualtime.SimulationSystem;

/** The STUN client against a node's STUN server over the simulated network, in virtual time. */
class StunClientSimTest {
  private static final Duration LATENCY = Duration.ofMillis(40);

  /** One client host, one server host, and whatever the client's Bind commands answered. */
  private static final class Setup implements AutoCloseable {
    final SimulationSystem<Void> sim;
    final AtomicReference<SimNetwork> network = new AtomicReference<>();
    final AtomicReference<SimTransport> clientHost = new AtomicReference<>();
    final AtomicReference<SimTransport> serverHost = new AtomicReference<>();
    final AtomicReference<ActorRef<StunClient.Command>> client = new AtomicReference<>();
    final AtomicReference<ActorRef<BindingOutcome>> collector = new AtomicReference<>();
    final List<BindingOutcome> outcomes = new CopyOnWriteArrayList<>();

    Setup(long seed, double loss) {
      sim = SimulationSystem.create("stun", seed, random -> Behaviors.<Void>setup(ctx -> {
        var clock = SimDriver.of(ctx.getSystem()).clock();
        SimNetwork net = new SimNetwork(ctx.getSystem(), clock, LatencyModel.constant(LATENCY), seed);
        net.setLoss(loss);
        SimTransport a = net.attach(Keypair.generate());
        SimTransport b = net.attach(Keypair.generate());
        StunServer.install(b.datagrams(), StunServerAddresses.single(b.listenAddresses().get(0)));
        network.set(net);
        clientHost.set(a);
        serverHost.set(b);
        client.set(ctx.spawn(StunClient.create(a.datagrams(), clock, random), "stun-client"));
        collector.set(ctx.spawn(collect(outcomes), "outcomes"));
        return Behaviors.empty();
      }));
      sim.driver().runUntilIdle();
    }

    BindingOutcome bind(InetSocketAddress server, Retransmission schedule, Duration maxVirtual) {
      int before = outcomes.size();
      client.get().tell(new StunClient.Bind(server, List.of(), schedule, collector.get()));
      assertTrue(sim.driver().runUntil(() -> outcomes.size() > before, maxVirtual), "no outcome in time");
      return outcomes.get(before);
    }

    Map<String, Long> counters() {
      AtomicReference<Map<String, Long>> result = new AtomicReference<>();
      ActorRef<Map<String, Long>> into = sim.system().systemActorOf(
          Behaviors.<Map<String, Long>>receiveMessage(m -> {
            result.set(m);
            return Behaviors.stopped();
          }), "counters-" + System.nanoTime(), org.apache.pekko.actor.typed.Props.empty());
      client.get().tell(new StunClient.GetCounters(into));
      sim.driver().runUntil(() -> result.get() != null, Duration.ofSeconds(1));
      return result.get();
    }

    InetSocketAddress server() {
      return serverHost.get().listenAddresses().get(0);
    }

    @Override
    public void close() {
      sim.close();
    }
  }

  private static Behavior<BindingOutcome> collect(List<BindingOutcome> into) {
    return Behaviors.receiveMessage(outcome -> {
      into.add(outcome);
      return Behaviors.same();
    });
  }

  @Test
  void aBindingAnswersWithTheAddressTheServerSawAfterOneRoundTrip() {
    try (Setup setup = new Setup(1, 0)) {
      var success = assertInstanceOf(BindingOutcome.Success.class,
          setup.bind(setup.server(), Retransmission.RFC_DEFAULTS, Duration.ofSeconds(5)));
      assertEquals(setup.clientHost.get().listenAddresses().get(0), success.mapped());
      assertEquals(setup.server(), success.from());
      assertEquals(LATENCY.multipliedBy(2), success.rtt());
      assertEquals(1L, setup.counters().get("stun.successes"));
    }
  }

  @Test
  void lossIsRepairedByRetransmission() {
    try (Setup setup = new Setup(3, 0.3)) {
      int successes = 0;
      for (int i = 0; i < 20; i++) {
        if (setup.bind(setup.server(), Retransmission.RFC_DEFAULTS, Duration.ofSeconds(60))
            instanceof BindingOutcome.Success) {
          successes++;
        }
      }
      Map<String, Long> counters = setup.counters();
      assertTrue(counters.getOrDefault("stun.retransmits", 0L) > 5, "30 % loss needs retransmissions: " + counters);
      // A send and its answer both pass with p = 0.49; all seven sends fail with p = 0.009 (same seed, same run).
      assertEquals(20, successes);
    }
  }

  @Test
  void aSilentServerFailsTheTransactionAtTheEndOfTheSchedule() {
    try (Setup setup = new Setup(5, 0)) {
      setup.network.get().crash(setup.server());
      long start = setup.sim.driver().nowMillis();
      var failure = assertInstanceOf(BindingOutcome.Failure.class,
          setup.bind(setup.server(), Retransmission.RFC_DEFAULTS, Duration.ofSeconds(60)));
      assertEquals(Retransmission.RFC_DEFAULTS.timeout().toMillis(), setup.sim.driver().nowMillis() - start);
      assertTrue(failure.reason().contains("no STUN answer"), failure.reason());
      assertEquals(6L, setup.counters().get("stun.retransmits"));
    }
  }
}
