package org.quicmesh.nat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.quicmesh.actor.Counters;
import org.quicmesh.actor.Replies;
import org.quicmesh.dht.Dht;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.DatagramPlane;

/**
 * Keeps a NAT's bindings open once the node knows it sits behind one: every {@code interval} a {@link Keepalive}
 * from the node's socket to each of its {@code maxPeers} nearest peers, so they can reach it at its mapped address
 * while idle. Also counts the keepalives that reach this node (they did their work in the NATs on the way), and the
 * other probes, which nothing serves yet.
 */
final class BindingKeeper extends AbstractBehavior<BindingKeeper.Command> {

  sealed interface Command {}

  /** The node is behind a translating NAT; {@code own}: its addresses, local and mapped (never keepalive targets). */
  record BehindNat(Set<InetSocketAddress> own) implements Command {}

  record GetCounters(ActorRef<Map<String, Long>> replyTo) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private record Targets(List<PeerInfo> peers) implements Command {}

  private enum KeepaliveReceived implements Command { INSTANCE }

  private enum ProbeIgnored implements Command { INSTANCE }

  private final DatagramPlane plane;
  private final Optional<ActorRef<Dht.Command>> mesh;
  private final Duration interval;
  private final int maxPeers;
  private final TimerScheduler<Command> timers;
  private final Counters counters = new Counters();
  private final DatagramPlane.Registration probes;
  private Set<InetSocketAddress> own = Set.of();

  static Behavior<Command> create(DatagramPlane plane, Optional<ActorRef<Dht.Command>> mesh, Duration interval,
      int maxPeers) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new BindingKeeper(ctx, timers, plane, mesh, interval, maxPeers)));
  }

  private BindingKeeper(ActorContext<Command> ctx, TimerScheduler<Command> timers, DatagramPlane plane,
      Optional<ActorRef<Dht.Command>> mesh, Duration interval, int maxPeers) {
    super(ctx);
    this.timers = timers;
    this.plane = plane;
    this.mesh = mesh;
    this.interval = interval;
    this.maxPeers = maxPeers;
    ActorRef<Command> self = ctx.getSelf();
    this.probes = plane.listen(DatagramKind.PROBE, datagram -> {
      if (DialBackProbe.nonce(datagram.payload()).isEmpty()) { // dial-backs are the detector's
        self.tell(Keepalive.isKeepalive(datagram.payload()) ? KeepaliveReceived.INSTANCE : ProbeIgnored.INSTANCE);
      }
    });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(BehindNat.class, behind -> {
          own = Set.copyOf(behind.own());
          if (mesh.isPresent() && !interval.isZero() && !timers.isTimerActive(Tick.INSTANCE)) {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, interval, interval);
          }
          return this;
        })
        .onMessageEquals(Tick.INSTANCE, () -> {
          mesh.ifPresent(dht -> dht.tell(new Dht.GetPeers(Replies.once(getContext(), Duration.ofSeconds(5),
              Targets::new, () -> new Targets(List.of())))));
          return this;
        })
        .onMessage(Targets.class, this::onTargets)
        .onMessageEquals(KeepaliveReceived.INSTANCE, () -> {
          counters.increment("keepalives.received");
          return this;
        })
        .onMessageEquals(ProbeIgnored.INSTANCE, () -> {
          counters.increment("probes.ignored");
          return this;
        })
        .onMessage(GetCounters.class, get -> {
          get.replyTo().tell(counters.snapshot());
          return this;
        })
        .onSignal(PostStop.class, stop -> {
          probes.cancel();
          return this;
        })
        .build();
  }

  private Behavior<Command> onTargets(Targets targets) {
    for (InetSocketAddress peer : Keepalive.targets(targets.peers(), own, maxPeers)) {
      plane.send(peer, Keepalive.bytes()); // a lost keepalive is replaced by the next one
      counters.increment("keepalives.sent");
    }
    return this;
  }
}
