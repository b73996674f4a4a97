package org.quicmesh.connect;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.actor.Counters;
import org.quicmesh.actor.Failures;
import org.quicmesh.actor.Replies;
import org.quicmesh.dht.Dht;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.AppData;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.HolePunchFailed;
import org.quicmesh.wire.HolePunchReady;
import org.quicmesh.wire.HolePunchStart;
import org.quicmesh.wire.RelayIncoming;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.Response;

/**
 * Connections by NodeId, whatever NATs lie between: the node's smart-connection layer. For each peer it runs the
 * pipeline resolve → direct attempt → relay ({@link Dialer}), then upgrades a relayed connection in the background
 * ({@link IceAgent}, both ends punching at once, coordinated over the relayed connection itself) and watches the two
 * paths ({@link PathProber}), moving the one QUIC connection between relay and direct as they come and go. A
 * connection that stays relayed is watched too ({@link RelayWatch}): when its relay is lost the side that connected
 * moves it to another of the peer's relays, still the same QUIC connection. It also
 * serves the peer side of all this (RelayIncoming from a relay we hold a reservation with, HolePunchStart), answers
 * path checks, and carries application bytes ({@link AppData}).
 */
public final class ConnectionManager extends AbstractBehavior<ConnectionManager.Command> {

  public sealed interface Command {}

  /** Connects to {@code peer} (or answers at once with the current path of a live connection). */
  public record Connect(NodeId peer, ActorRef<StatusReply<ConnectionInfo>> replyTo) implements Command {}

  /** Sends bytes to {@code peer} reliably and in order (connecting first if needed); replies once acknowledged. */
  public record Send(NodeId peer, byte[] data, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Replies with every connection this manager made or accepted, and its path. */
  public record GetConnections(ActorRef<List<ConnectionInfo>> replyTo) implements Command {}

  /** {@code watcher} is told every path change and every byte received from now on. */
  public record Watch(ActorRef<ConnectionEvent> watcher) implements Command {}

  /** The relays this node holds reservations with (a RelayIncoming from any other is refused). */
  public record RelaysHeld(List<Contact> relays) implements Command {}

  /** A request of the connectivity layer (RelayIncoming, HolePunchStart, AppData), answered through {@code reply}. */
  public record Inbound(InboundRequest request, CompletableFuture<Response> reply) implements Command {}

  /** Peers or STUN servers saw us at {@code addresses} (server-reflexive candidates, newest first). */
  public record Observed(List<InetSocketAddress> addresses) implements Command {}

  /** Replies with this manager's counters. */
  public record GetCounters(ActorRef<Map<String, Long>> replyTo) implements Command {}

  private record Dialed(Dialer.Outcome outcome) implements Command {}

  private record IceDone(IceAgent.Result result) implements Command {}

  private record ProberPrefers(PathProber.Preferred preferred) implements Command {}

  private record ProbeArrived(Datagram datagram) implements Command {}

  private record Measured(PathStats.Measured measured) implements Command {}

  private record PunchAnswered(NodeId peer, Reply reply, Throwable failure) implements Command {}

  private record Delivered(ActorRef<StatusReply<Done>> replyTo, Throwable failure) implements Command {}

  private record Upgrade(NodeId peer) implements Command {}

  private record RelayLost(RelayWatch.RelayLost lost) implements Command {}

  /** Try again to move the connection to {@code peer} off its lost relay (also the key of that retry's timer). */
  private record Failover(NodeId peer) implements Command {}

  private final Transport transport;
  private final Contact self;
  private final ActorRef<Dht.Command> dht;
  private final ConnectSettings settings;
  private final Duration requestTimeout;
  private final Clock clock;
  private final Random random;
  private final TimerScheduler<Command> timers;
  private final DatagramPlane.Registration probes;
  private final Counters counters = new Counters();
  private final Map<NodeId, Link> links = new HashMap<>();
  private final Map<NodeId, List<ActorRef<StatusReply<ConnectionInfo>>>> dialing = new HashMap<>();
  private final Map<String, NodeId> byToken = new HashMap<>();
  private final Map<NodeId, Long> nextSeq = new HashMap<>();
  private final Map<NodeId, Long> lastSeqFrom = new HashMap<>();
  /** This incarnation's sequence epoch (high 32 bits of every chunk number we send). */
  private final long epoch;
  private final List<ActorRef<ConnectionEvent>> watchers = new ArrayList<>();
  private Set<NodeId> relaysHeld = Set.of();
  private final List<InetSocketAddress> hostAddresses;
  private final java.util.ArrayDeque<InetSocketAddress> observed = new java.util.ArrayDeque<>();
  private static final int MAX_OBSERVED = 8;

  /** @param hostAddresses our own addresses (wildcards expanded), the host candidates */
  public static Behavior<Command> create(Transport transport, Contact self, List<InetSocketAddress> hostAddresses,
      ActorRef<Dht.Command> dht, ConnectSettings settings, Duration requestTimeout, Clock clock, Random random) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ConnectionManager(ctx, timers, transport, self,
        hostAddresses, dht, settings, requestTimeout, clock, random)));
  }

  private ConnectionManager(ActorContext<Command> ctx, TimerScheduler<Command> timers, Transport transport,
      Contact self, List<InetSocketAddress> hostAddresses, ActorRef<Dht.Command> dht, ConnectSettings settings,
      Duration requestTimeout, Clock clock, Random random) {
    super(ctx);
    this.transport = transport;
    this.self = self;
    this.hostAddresses = List.copyOf(hostAddresses);
    this.dht = dht;
    this.settings = settings;
    this.requestTimeout = requestTimeout;
    this.clock = clock;
    this.random = random;
    this.timers = timers;
    this.epoch = (random.nextInt() & 0x7fffffffL) << 32;
    ActorRef<Command> me = ctx.getSelf();
    this.probes = transport.datagrams().listen(DatagramKind.PROBE, d -> me.tell(new ProbeArrived(d)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Connect.class, this::onConnect)
        .onMessage(Dialed.class, this::onDialed)
        .onMessage(Send.class, this::onSend)
        .onMessage(Delivered.class, this::onDelivered)
        .onMessage(GetConnections.class, get -> {
          get.replyTo().tell(links.values().stream().map(Link::info).toList());
          return this;
        })
        .onMessage(Watch.class, watch -> {
          watchers.add(watch.watcher());
          return this;
        })
        .onMessage(RelaysHeld.class, held -> {
          relaysHeld = Set.copyOf(held.relays().stream().map(Contact::id).toList());
          return this;
        })
        .onMessage(GetCounters.class, get -> {
          get.replyTo().tell(counters.snapshot());
          return this;
        })
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(Observed.class, seen -> {
          for (InetSocketAddress address : seen.addresses()) {
            observed.remove(address);
            observed.addFirst(address);
          }
          while (observed.size() > MAX_OBSERVED) {
            observed.removeLast();
          }
          return this;
        })
        .onMessage(Upgrade.class, upgrade -> startUpgrade(upgrade.peer()))
        .onMessage(RelayLost.class, lost -> onRelayLost(lost.lost()))
        .onMessage(Measured.class, this::onMeasured)
        .onMessage(Failover.class, failover -> startFailover(failover.peer()))
        .onMessage(PunchAnswered.class, this::onPunchAnswered)
        .onMessage(IceDone.class, this::onIceDone)
        .onMessage(ProberPrefers.class, this::onProberPrefers)
        .onMessage(ProbeArrived.class, this::onProbe)
        .onSignal(PostStop.class, stop -> {
          probes.cancel();
          return this;
        })
        .onSignal(org.apache.pekko.actor.typed.PreRestart.class, restart -> {
          probes.cancel(); // the restarted manager listens afresh
          return this;
        })
        .build();
  }

  // ---- connecting ----

  private Behavior<Command> onConnect(Connect connect) {
    Link link = links.get(connect.peer());
    if (link != null) {
      connect.replyTo().tell(StatusReply.success(link.info()));
      return this;
    }
    boolean alreadyDialing = dialing.containsKey(connect.peer());
    dialing.computeIfAbsent(connect.peer(), p -> new ArrayList<>()).add(connect.replyTo());
    if (!alreadyDialing) {
      counters.increment("connects.started");
      ActorRef<Dialer.Outcome> report = getContext().messageAdapter(Dialer.Outcome.class, Dialed::new);
      getContext().spawnAnonymous(
          Dialer.create(connect.peer(), self, transport, dht, settings, requestTimeout, report));
    }
    return this;
  }

  private Behavior<Command> onDialed(Dialed dialed) {
    Dialer.Outcome outcome = dialed.outcome();
    NodeId peer = outcome.peer();
    Link moving = links.get(peer);
    if (moving != null && moving.failingOver) {
      return onFailedOver(moving, outcome);
    }
    List<ActorRef<StatusReply<ConnectionInfo>>> waiting = dialing.remove(peer);
    if (outcome instanceof Dialer.Failed failed) {
      counters.increment("connects.failed");
      waiting.forEach(r -> r.tell(StatusReply.error(failed.reason())));
      return this;
    }
    Link link = links.computeIfAbsent(peer, Link::new);
    if (outcome instanceof Dialer.Direct direct) {
      counters.increment("connects.direct");
      link.contact = Contact.of(peer, direct.address());
      link.current = new Path.Direct(direct.address());
      link.rttMs = direct.rtt().toNanos() / 1e6;
    } else if (outcome instanceof Dialer.Relayed relayed) {
      counters.increment("connects.relayed");
      link.contact = Contact.of(peer, relayed.path().relayAddress());
      link.relayed = relayed.path();
      link.current = relayed.path();
      link.rttMs = relayed.rtt().toNanos() / 1e6;
      link.record = relayed.record();
      link.initiator = true;
      watchRelay(link);
      getContext().getSelf().tell(new Upgrade(peer));
    }
    waiting.forEach(r -> r.tell(StatusReply.success(link.info())));
    announce(link);
    return this;
  }

  // ---- moving a relayed connection off a lost relay ----

  private void watchRelay(Link link) {
    if (link.relayWatch != null) {
      getContext().stop(link.relayWatch);
    }
    ActorRef<RelayWatch.RelayLost> report = getContext().messageAdapter(RelayWatch.RelayLost.class, RelayLost::new);
    link.relayWatch = getContext().spawnAnonymous(
        RelayWatch.create(link.peer, link.relayed, self, transport, settings, report, measured()));
  }

  private ActorRef<PathStats.Measured> measured() {
    return getContext().messageAdapter(PathStats.Measured.class, Measured::new);
  }

  /** Figures of a path still in use are kept for {@link Link#info}; those of a path we left are dropped. */
  private Behavior<Command> onMeasured(Measured message) {
    PathStats stats = message.measured().path();
    Link link = links.get(message.measured().peer());
    if (link != null) {
      if (stats.kind().equals("direct") && link.direct != null && stats.via().equals(link.direct.via())) {
        link.directStats = stats;
      } else if (!stats.kind().equals("direct") && link.relayed != null
          && stats.via().equals(link.relayed.via())) {
        link.relayStats = stats;
      }
    }
    return this;
  }

  private Behavior<Command> onRelayLost(RelayWatch.RelayLost lost) {
    Link link = links.get(lost.peer());
    if (link != null && lost.path().equals(link.relayed)) {
      link.relayWatch = null;
      counters.increment("failovers.relay-lost");
      startFailover(link.peer);
    }
    return this;
  }

  private Behavior<Command> startFailover(NodeId peer) {
    Link link = links.get(peer);
    if (link == null || link.failingOver || link.direct != null || link.relayed == null) {
      return this;
    }
    link.failingOver = true;
    counters.increment("failovers.started");
    ActorRef<Dialer.Outcome> report = getContext().messageAdapter(Dialer.Outcome.class, Dialed::new);
    // The first try uses the record we connected with; a retry resolves afresh (the peer may have moved relays).
    EndpointRecord known = link.failedFailovers == 0 ? link.record : null;
    getContext().spawnAnonymous(
        Dialer.failover(peer, link.relayed, known, self, transport, dht, settings, requestTimeout, report));
    return this;
  }

  private Behavior<Command> onFailedOver(Link link, Dialer.Outcome outcome) {
    link.failingOver = false;
    if (outcome instanceof Dialer.Relayed relayed) {
      counters.increment("failovers.relayed");
      link.failedFailovers = 0;
      link.contact = Contact.of(link.peer, relayed.path().relayAddress());
      link.relayed = relayed.path();
      link.record = relayed.record();
      moveTo(link, relayed.path(), relayed.rtt().toNanos() / 1e6);
      watchRelay(link);
    } else {
      counters.increment("failovers.failed");
      timers.startSingleTimer(new Failover(link.peer), new Failover(link.peer), backoff(link.failedFailovers++));
    }
    return this;
  }

  // ---- upgrading a relayed connection (both ends punch at once) ----

  private Behavior<Command> startUpgrade(NodeId peer) {
    Link link = links.get(peer);
    if (link == null || link.relayed == null || link.ice != null || link.direct != null) {
      return this;
    }
    link.token = newToken(link);
    counters.increment("upgrades.started");
    getContext().pipeToSelf(transport.request(link.contact,
        new HolePunchStart(self, peer, ownCandidates(), link.token), requestTimeout),
        (reply, failure) -> new PunchAnswered(peer, reply, failure));
    return this;
  }

  private Behavior<Command> onPunchAnswered(PunchAnswered answered) {
    Link link = links.get(answered.peer());
    if (link == null) {
      return this;
    }
    if (answered.failure() != null || !(answered.reply().response() instanceof HolePunchReady ready)) {
      counters.increment("upgrades.refused");
      retryUpgradeLater(link);
      return this;
    }
    startIce(link, Candidates.dialOrder(ready.candidates()));
    return this;
  }

  private void startIce(Link link, List<InetSocketAddress> remote) {
    ActorRef<IceAgent.Result> report = getContext().messageAdapter(IceAgent.Result.class, IceDone::new);
    link.ice = getContext().spawnAnonymous(IceAgent.create(link.peer, remote, link.token, transport.datagrams(), clock,
        random, settings, report));
  }

  private Behavior<Command> onIceDone(IceDone done) {
    if (done.result() instanceof IceAgent.Nominated nominated) {
      Link link = links.get(nominated.peer());
      if (link == null) {
        return this;
      }
      link.ice = null;
      counters.increment(nominated.peerReflexive() ? "upgrades.direct.peer-reflexive" : "upgrades.direct");
      if (link.relayWatch != null) {
        getContext().stop(link.relayWatch); // the prober watches both paths from now on
        link.relayWatch = null;
      }
      link.direct = new Path.Direct(nominated.address());
      ActorRef<PathProber.Preferred> report = getContext().messageAdapter(PathProber.Preferred.class,
          ProberPrefers::new);
      link.prober = getContext().spawnAnonymous(PathProber.create(link.peer, link.direct, nominated.rttMillis(),
          link.relayed, link.token, transport.datagrams(), transport.paths(), clock, random, settings, report,
          measured()));
      moveTo(link, link.direct, nominated.rttMillis());
    } else if (done.result() instanceof IceAgent.NoPath noPath) {
      Link link = links.get(noPath.peer());
      if (link != null) {
        link.ice = null;
        counters.increment("upgrades.no-path");
        retryUpgradeLater(link);
      }
    }
    return this;
  }

  private Behavior<Command> onProberPrefers(ProberPrefers prefers) {
    Link link = links.get(prefers.preferred().peer());
    if (link != null) {
      PathProber.Health health = prefers.preferred().health();
      Path path = prefers.preferred().path();
      counters.increment(path.isDirect() ? "paths.to-direct" : "paths.to-relay");
      moveTo(link, path, path.isDirect() ? health.directRttMs() : health.relayRttMs());
    }
    return this;
  }

  private void moveTo(Link link, Path path, double rttMs) {
    transport.paths().route(link.peer, path);
    if (!path.equals(link.current)) {
      link.pathChanges++;
    }
    link.current = path;
    link.rttMs = rttMs;
    announce(link);
  }

  /** The side that connected tries again, backing off (a pair of NATs that never punch costs little). */
  private void retryUpgradeLater(Link link) {
    if (link.initiator) {
      timers.startSingleTimer(link.peer, new Upgrade(link.peer), backoff(link.failedUpgrades++));
    }
  }

  /** upgrade-retry, doubling with each failure in a row, at most upgrade-retry-max. */
  private Duration backoff(int failures) {
    Duration wait = settings.upgradeRetry().multipliedBy(1L << Math.min(10, failures));
    return wait.compareTo(settings.upgradeRetryMax()) > 0 ? settings.upgradeRetryMax() : wait;
  }

  // ---- path checks: answered here, results routed to the agent or prober of their token ----

  private Behavior<Command> onProbe(ProbeArrived arrived) {
    Datagram datagram = arrived.datagram();
    PathCheck check = PathCheck.parse(datagram.payload()).orElse(null);
    if (check == null) {
      return this; // another kind of probe (e.g. a keepalive)
    }
    NodeId peer = byToken.get(PathCheck.key(check.token()));
    Link link = peer == null ? null : links.get(peer);
    if (link == null) {
      counters.increment("checks.unknown-token");
      return this;
    }
    boolean viaRelay = link.relayed != null && datagram.sender().equals(link.relayed.relayAddress());
    if (!check.answer()) {
      counters.increment("checks.answered");
      byte[] answer = check.answered().toBytes();
      if (viaRelay) {
        transport.paths().send(link.relayed, answer);
      } else {
        transport.datagrams().send(datagram.sender(), answer);
        if (link.ice != null) {
          link.ice.tell(new IceAgent.CheckedFrom(datagram.sender()));
        }
      }
      return this;
    }
    if (link.ice != null) {
      link.ice.tell(new IceAgent.Answer(check));
    }
    if (link.prober != null) {
      link.prober.tell(new PathProber.Answer(check));
    }
    return this;
  }

  // ---- the peer side ----

  private Behavior<Command> onInbound(Inbound inbound) {
    InboundRequest request = inbound.request();
    if (request.message() instanceof RelayIncoming incoming) {
      inbound.reply().complete(relayIncoming(request, incoming));
    } else if (request.message() instanceof HolePunchStart start) {
      holePunchStart(request, start, inbound.reply());
    } else if (request.message() instanceof AppData data) {
      knowAccepted(request);
      if (takesChunk(request.peer(), data.seq())) {
        counters.increment("data.received");
        watchers.forEach(w -> w.tell(new ConnectionEvent.DataReceived(request.peer(), data.seq(), data.data())));
      } else {
        counters.increment("data.duplicates"); // a resend of a chunk whose first answer was lost: taken once
      }
      inbound.reply().complete(new Ack());
    } else {
      inbound.reply().complete(new Rejected(Rejected.Reason.UNSUPPORTED,
          request.message().getClass().getSimpleName() + " is not served here"));
    }
    return this;
  }

  /**
   * Whether a chunk is new: sequence numbers carry the sender's epoch in their high 32 bits (a restarted sender
   * starts a new epoch) and count up within it; a number at or below the last one taken in the same epoch is a
   * resend.
   */
  private boolean takesChunk(NodeId peer, long seq) {
    Long last = lastSeqFrom.get(peer);
    if (last != null && (last >>> 32) == (seq >>> 32) && seq <= last) {
      return false;
    }
    lastSeqFrom.put(peer, seq);
    return true;
  }

  /**
   * A peer that reached us over a plain connection becomes a link (its bytes can be answered, and {@code connect}
   * names its path at once); the transport reuses the connection it came in on.
   */
  private void knowAccepted(InboundRequest request) {
    if (!links.containsKey(request.peer()) && transport.paths().route(request.peer()).isEmpty()) {
      Link link = new Link(request.peer());
      link.contact = Contact.of(request.peer(), request.observedAddress());
      link.current = new Path.Direct(request.observedAddress());
      links.put(request.peer(), link);
      announce(link);
    }
  }

  private Response relayIncoming(InboundRequest request, RelayIncoming incoming) {
    if (!relaysHeld.contains(request.peer())) {
      counters.increment("relay-incoming.refused.not-our-relay");
      return new Rejected(Rejected.Reason.UNKNOWN_PEER, "we hold no reservation with " + request.peer().shortHex());
    }
    Link existing = links.get(incoming.peer());
    if (existing != null && existing.relayed == null) {
      counters.increment("relay-incoming.refused.already-direct");
      return new Rejected(Rejected.Reason.BAD_REQUEST, "already connected directly");
    }
    Path.Relayed path = new Path.Relayed(request.peer(), request.observedAddress(), incoming.sessionId());
    transport.paths().route(incoming.peer(), path);
    Link link = links.computeIfAbsent(incoming.peer(), Link::new);
    link.contact = Contact.of(incoming.peer(), path.relayAddress());
    link.relayed = path;
    link.current = path;
    counters.increment("relay-incoming.accepted");
    announce(link);
    return new Ack();
  }

  private void holePunchStart(InboundRequest request, HolePunchStart start, CompletableFuture<Response> reply) {
    Link link = links.get(request.peer());
    if (link == null || link.relayed == null || !start.target().equals(self.id())) {
      counters.increment("hole-punch.refused");
      reply.complete(new HolePunchFailed("no relayed connection with " + request.peer().shortHex() + " here"));
      return;
    }
    if (link.token != null) {
      byToken.remove(PathCheck.key(link.token));
    }
    link.token = start.token();
    byToken.put(PathCheck.key(link.token), link.peer);
    if (link.ice == null && link.direct == null) {
      startIce(link, Candidates.dialOrder(start.candidates()));
    }
    reply.complete(new HolePunchReady(ownCandidates()));
  }

  // ---- application data ----

  private Behavior<Command> onSend(Send send) {
    Link link = links.get(send.peer());
    if (link == null) {
      ActorRef<StatusReply<ConnectionInfo>> then = Replies.once(getContext(), requestTimeout.multipliedBy(10),
          (StatusReply<ConnectionInfo> r) -> r.isSuccess() ? send
              : new Delivered(send.replyTo(), new IllegalStateException(r.getError().getMessage())),
          () -> new Delivered(send.replyTo(), new IllegalStateException("connecting timed out")));
      getContext().getSelf().tell(new Connect(send.peer(), then));
      return this;
    }
    long chunks = Math.max(1, (send.data().length + org.quicmesh.wire.Limits.MAX_APP_DATA_BYTES - 1)
        / org.quicmesh.wire.Limits.MAX_APP_DATA_BYTES);
    long seq = epoch + nextSeq.merge(send.peer(), chunks, Long::sum) - chunks + 1;
    getContext().pipeToSelf(Delivery.send(transport, link.contact, self, seq, send.data(), requestTimeout),
        (done, failure) -> new Delivered(send.replyTo(), failure));
    return this;
  }

  private Behavior<Command> onDelivered(Delivered delivered) {
    if (delivered.failure() == null) {
      counters.increment("data.sent");
      delivered.replyTo().tell(StatusReply.success(Done.getInstance()));
    } else {
      counters.increment("data.failed");
      delivered.replyTo().tell(StatusReply.error(Failures.message(delivered.failure())));
    }
    return this;
  }

  // ---- helpers ----

  private void announce(Link link) {
    ConnectionEvent event = new ConnectionEvent.PathChanged(link.info());
    watchers.forEach(w -> w.tell(event));
  }

  private byte[] newToken(Link link) {
    if (link.token != null) {
      byToken.remove(PathCheck.key(link.token));
    }
    byte[] token = new byte[PathCheck.TOKEN_BYTES];
    random.nextBytes(token);
    byToken.put(PathCheck.key(token), link.peer);
    return token;
  }

  /** Our candidates, best first: the addresses peers and STUN saw us at, and our host addresses. */
  private List<String> ownCandidates() {
    List<InetSocketAddress> all = new ArrayList<>(observed);
    all.addAll(hostAddresses);
    return Candidates.order(all).stream().map(Contact.Addresses::format)
        .limit(org.quicmesh.wire.Limits.MAX_CANDIDATES).toList();
  }
}
