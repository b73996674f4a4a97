package org.quicmesh.nat.relay;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.quicmesh.actor.Counters;
import org.quicmesh.actor.Failures;
import org.quicmesh.identity.NodeId;
import org.quicmesh.identity.RelayService;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.RelayClose;
import org.quicmesh.wire.RelayClosed;
import org.quicmesh.wire.RelayConnect;
import org.quicmesh.wire.RelayConnected;
import org.quicmesh.wire.RelayIncoming;
import org.quicmesh.wire.RelayReserve;
import org.quicmesh.wire.RelayReserved;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.Response;

/**
 * A relay (node started with {@code --relay}): holds reservations of nodes that cannot be dialed, and opens sessions
 * to them for peers that ask by NodeId. The control plane is here (RPCs, limits, expiry); the packets flow through
 * the {@link RelayForwarder} on the transport's thread.
 *
 * <p>A session opens in three steps: the requester asks ({@link RelayConnect}); the relay tells the target over the
 * connection the target keeps with it ({@link RelayIncoming}, with the target's own session id); once the target
 * acknowledges, the requester gets its session id ({@link RelayConnected}). Each end is bound to the address the
 * relay saw it at, so nobody else can inject into the session.
 *
 * <p>The relay advertises itself (accepting, load, capabilities: {@link RelayAdvertisement}) through
 * {@code onAdvertised}, which puts it into the node's endpoint record: at start, and after that on material changes
 * only, at most once per {@code advertise.min-interval}.
 */
public final class RelayServer extends AbstractBehavior<RelayServer.Command> {

  public sealed interface Command {}

  /** A relay request (RelayReserve, RelayConnect, RelayClose) from the transport, answered through {@code reply}. */
  public record Inbound(InboundRequest request, CompletableFuture<Response> reply) implements Command {}

  /** Replies with the relay's figures. */
  public record GetStatus(ActorRef<RelayStatus> replyTo) implements Command {}

  /** Reservations, sessions, load (permille), and counters (the forwarder's drops included). */
  public record RelayStatus(int reservations, int sessions, int loadPermille, long packetsForwarded,
      long bytesForwarded, Map<String, Long> counters) {}

  private record TargetAnswered(long sessionA, long sessionB, CompletableFuture<Response> reply, Reply answer,
      Throwable failure) implements Command {}

  private enum Sweep implements Command { INSTANCE }

  private record Reservation(Contact contact, InetSocketAddress seenAt, long expiresAtMillis) {}

  private static final Duration SWEEP_EVERY = Duration.ofSeconds(5);

  private final Transport transport;
  private final Contact self;
  private final RelaySettings settings;
  private final Clock clock;
  private final Random random;
  private final Duration requestTimeout;
  private final RelayForwarder forwarder;
  private final Counters counters = new Counters();
  private final RelayAdvertisement advertisement;
  private final Consumer<RelayService> onAdvertised;
  private final Map<NodeId, Reservation> reservations = new HashMap<>();
  /** Open sessions by the requester's session id. */
  private final Map<Long, Session> sessions = new HashMap<>();

  /** The two ends of a session: the requester's id and node, the target's id and node. */
  private record Session(long requesterEnd, NodeId requester, long targetEnd, NodeId target) {
    boolean has(NodeId peer) {
      return requester.equals(peer) || target.equals(peer);
    }
  }

  /** A relay that advertises itself to nobody (tests of the relay protocol alone). */
  public static Behavior<Command> create(Transport transport, Contact self, RelaySettings settings, Clock clock,
      Random random, Duration requestTimeout) {
    return create(transport, self, settings, RelayAdvertiseSettings.defaults(), clock, random, requestTimeout,
        service -> { });
  }

  /**
   * @param onAdvertised told each advertisement due (the node republishes its endpoint record with it); called on
   *     this actor's thread
   */
  public static Behavior<Command> create(Transport transport, Contact self, RelaySettings settings,
      RelayAdvertiseSettings advertise, Clock clock, Random random, Duration requestTimeout,
      Consumer<RelayService> onAdvertised) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RelayServer(ctx, timers, transport, self,
        settings, advertise, clock, random, requestTimeout, onAdvertised)));
  }

  private RelayServer(ActorContext<Command> ctx, TimerScheduler<Command> timers, Transport transport, Contact self,
      RelaySettings settings, RelayAdvertiseSettings advertise, Clock clock, Random random, Duration requestTimeout,
      Consumer<RelayService> onAdvertised) {
    super(ctx);
    this.advertisement = new RelayAdvertisement(settings, advertise);
    this.onAdvertised = onAdvertised;
    this.transport = transport;
    this.self = self;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.requestTimeout = requestTimeout;
    this.forwarder = new RelayForwarder(transport.datagrams(), clock, settings);
    timers.startTimerWithFixedDelay(Sweep.INSTANCE, SWEEP_EVERY);
    advertisement.sampleForwarded(forwarder.bytesForwarded(), clock.millis());
    advertise();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(TargetAnswered.class, this::onTargetAnswered)
        .onMessage(GetStatus.class, get -> {
          Map<String, Long> all = new java.util.TreeMap<>(counters.snapshot());
          forwarder.dropped().forEach((reason, n) -> all.put("dropped." + reason, n));
          get.replyTo().tell(new RelayStatus(reservations.size(), sessions.size(), load(),
              forwarder.packetsForwarded(), forwarder.bytesForwarded(), all));
          return this;
        })
        .onMessage(Sweep.class, sweep -> sweep())
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, stop -> {
          forwarder.close();
          return this;
        })
        // A restart signals PreRestart, not PostStop: without this the old forwarder stays registered and keeps
        // passing the sessions the new incarnation no longer knows (no limits, no idle expiry, no close).
        .onSignal(org.apache.pekko.actor.typed.PreRestart.class, restart -> {
          forwarder.close();
          return this;
        })
        .build();
  }

  private Behavior<Command> onInbound(Inbound inbound) {
    InboundRequest request = inbound.request();
    if (request.message() instanceof RelayReserve) {
      inbound.reply().complete(reserve(request));
    } else if (request.message() instanceof RelayConnect connect) {
      connect(request, connect, inbound.reply());
    } else if (request.message() instanceof RelayClose close) {
      inbound.reply().complete(close(request.peer(), close.sessionId()));
    } else {
      inbound.reply().complete(new Rejected(Rejected.Reason.UNSUPPORTED,
          request.message().getClass().getSimpleName() + " is not a relay request"));
    }
    advertise();
    return this;
  }

  private Response reserve(InboundRequest request) {
    if (!reservations.containsKey(request.peer()) && reservations.size() >= settings.maxReservations()) {
      counters.increment("reservations.refused.full");
      return new Rejected(Rejected.Reason.OVERLOADED, "relay holds its maximum of reservations");
    }
    long ttl = settings.reservationTtl().toMillis();
    Reservation previous = reservations.put(request.peer(),
        new Reservation(request.message().from(), request.observedAddress(), clock.millis() + ttl));
    counters.increment(previous == null ? "reservations.granted" : "reservations.renewed");
    return new RelayReserved(ttl, load(), Contact.Addresses.format(request.observedAddress()));
  }

  private void connect(InboundRequest request, RelayConnect connect, CompletableFuture<Response> reply) {
    Reservation target = reservations.get(connect.target());
    if (target == null || target.expiresAtMillis <= clock.millis()) {
      counters.increment("sessions.refused.no-reservation");
      reply.complete(new Rejected(Rejected.Reason.UNKNOWN_PEER, connect.target().shortHex()
          + " holds no reservation here"));
      return;
    }
    if (sessions.size() >= settings.maxSessions()) {
      counters.increment("sessions.refused.full");
      reply.complete(new Rejected(Rejected.Reason.OVERLOADED, "relay holds its maximum of sessions"));
      return;
    }
    long sessionA = newSessionId();
    long sessionB = newSessionId();
    forwarder.open(sessionA, request.observedAddress(), sessionB, target.seenAt());
    sessions.put(sessionA, new Session(sessionA, request.peer(), sessionB, connect.target()));
    // To the address the target reserved from (its NAT admits us there; over QUIC its open connection is used), and
    // within half the requester's timeout, so a refusal reaches the requester before it gives up.
    getContext().pipeToSelf(
        transport.request(Contact.of(connect.target(), target.seenAt()),
            new RelayIncoming(self, request.peer(), sessionB), requestTimeout.dividedBy(2)),
        (answer, failure) -> new TargetAnswered(sessionA, sessionB, reply, answer, failure));
  }

  private Behavior<Command> onTargetAnswered(TargetAnswered answered) {
    if (!sessions.containsKey(answered.sessionA())) {
      // an end closed it while the target was being asked: there is no session to hand the requester
      counters.increment("sessions.refused.closed-before-open");
      answered.reply().complete(new Rejected(Rejected.Reason.UNKNOWN_PEER, "the session was closed before it opened"));
      return this;
    }
    if (answered.failure() == null && answered.answer().response() instanceof Ack) {
      counters.increment("sessions.opened");
      answered.reply().complete(new RelayConnected(answered.sessionA()));
      advertise();
      return this;
    }
    forwarder.close(answered.sessionA());
    sessions.remove(answered.sessionA());
    counters.increment("sessions.refused.target-unreachable");
    String why = answered.failure() != null ? Failures.message(answered.failure())
        : "answered " + answered.answer().response();
    answered.reply().complete(new Rejected(Rejected.Reason.UNKNOWN_PEER, "target did not take the session: " + why));
    return this;
  }

  /** Closes a session at the request of one of its two ends; anyone else is refused. */
  private Response close(NodeId peer, long session) {
    Session open = sessions.values().stream()
        .filter(s -> s.requesterEnd() == session || s.targetEnd() == session).findFirst().orElse(null);
    if (open == null) {
      return new RelayClosed(session);
    }
    if (!open.has(peer)) {
      counters.increment("sessions.close-refused.not-an-end");
      return new Rejected(Rejected.Reason.UNKNOWN_PEER, "only the ends of a session may close it");
    }
    forwarder.close(open.requesterEnd());
    sessions.remove(open.requesterEnd());
    counters.increment("sessions.closed");
    return new RelayClosed(session);
  }

  private Behavior<Command> sweep() {
    long now = clock.millis();
    reservations.values().removeIf(r -> r.expiresAtMillis <= now);
    long idle = settings.sessionIdle().toMillis();
    for (Iterator<Long> it = sessions.keySet().iterator(); it.hasNext(); ) {
      long session = it.next();
      long last = forwarder.lastActiveMillis(session).orElse(Long.MIN_VALUE);
      if (now - last >= idle) {
        forwarder.close(session);
        it.remove();
        counters.increment("sessions.expired");
      }
    }
    advertisement.sampleForwarded(forwarder.bytesForwarded(), now);
    advertise(); // also says a change held back by the minimum interval, once that has passed
    return this;
  }

  private int load() {
    return advertisement.loadPermille(reservations.size(), sessions.size());
  }

  private void advertise() {
    advertisement.due(reservations.size(), sessions.size(), clock.millis()).ifPresent(service -> {
      counters.increment("advertisements");
      onAdvertised.accept(service);
    });
  }

  private long newSessionId() {
    long id;
    do {
      id = random.nextLong();
    } while (id == 0 || forwarder.isOpen(id));
    return id;
  }
}
