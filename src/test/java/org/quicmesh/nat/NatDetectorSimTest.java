package org.quicmesh.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
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

/** When a peer sees us at a new IP, detection runs again, spaced from the last run; a known IP changes nothing. */
class NatDetectorSimTest {
  private static final Duration MIN_SPACING = Duration.ofSeconds(30);

  @Test
  void aNewObservedIpTriggersASpacedRerunAndAKnownOneDoesNot() {
    AtomicReference<ActorRef<NatDetector.Command>> detector = new AtomicReference<>();
    AtomicReference<InetSocketAddress> self = new AtomicReference<>();
    try (SimulationSystem<Void> sim = SimulationSystem.create("detector", 3, random -> Behaviors.<Void>setup(ctx -> {
      var clock = SimDriver.of(ctx.getSystem()).clock();
      SimNetwork network = new SimNetwork(ctx.getSystem(), clock, LatencyModel.constant(Duration.ofMillis(20)), 3);
      SimTransport observer = network.attach(Keypair.generate());
      StunServer.install(observer.datagrams(), StunServerAddresses.single(observer.listenAddresses().get(0)));
      SimTransport host = network.attach(Keypair.generate());
      self.set(host.listenAddresses().get(0));
      NatSettings settings = new NatSettings(List.of(observer.listenAddresses().get(0)), Duration.ofSeconds(1),
          Duration.ofHours(1), Retransmission.RFC_DEFAULTS, Retransmission.RFC_DEFAULTS, 0, Duration.ofHours(1),
          MIN_SPACING, Duration.ZERO, 0);
      detector.set(ctx.spawn(NatDetector.create(host.datagrams(), List.of(self.get()), settings, clock, random,
          Optional.empty(), mapped -> { }), "nat"));
      return Behaviors.empty();
    }))) {
      sim.driver().runFor(Duration.ofSeconds(3));
      assertEquals(1L, detections(sim, detector.get()), "the first run, a second after start");

      detector.get().tell(new NatDetector.PeerObserved(self.get()));
      sim.driver().runFor(Duration.ofMinutes(1));
      assertEquals(1L, detections(sim, detector.get()), "our own address is no news");

      detector.get().tell(new NatDetector.PeerObserved(new InetSocketAddress("127.200.0.1", 4000)));
      detector.get().tell(new NatDetector.PeerObserved(new InetSocketAddress("127.200.0.2", 4000)));
      sim.driver().runFor(Duration.ofSeconds(5));
      assertEquals(2L, detections(sim, detector.get()), "a new IP a minute after the last run: at once, and once");

      detector.get().tell(new NatDetector.PeerObserved(new InetSocketAddress("127.200.0.3", 4000)));
      sim.driver().runFor(MIN_SPACING.minusSeconds(10));
      assertEquals(2L, detections(sim, detector.get()), "not before the spacing has passed");
      sim.driver().runFor(Duration.ofSeconds(15));
      assertEquals(3L, detections(sim, detector.get()));
    }
  }

  private static long detections(SimulationSystem<Void> sim, ActorRef<NatDetector.Command> detector) {
    AtomicReference<Map<String, Long>> counters = new AtomicReference<>();
    ActorRef<NatDetector.NatStatus> into = sim.system().systemActorOf(
        Behaviors.<NatDetector.NatStatus>receiveMessage(status -> {
          counters.set(status.counters());
          return Behaviors.stopped();
        }), "status-" + System.nanoTime(), Props.empty());
    detector.tell(new NatDetector.GetStatus(into));
    sim.driver().runUntil(() -> counters.get() != null, Duration.ofSeconds(5));
    return counters.get().getOrDefault("detections", 0L);
  }
}
