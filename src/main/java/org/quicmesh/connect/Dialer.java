package org.quicmesh.connect;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.actor.Failures;
import org.quicmesh.actor.Replies;
import org.quicmesh.dht.Dht;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Path;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.RelayConnect;
import org.quicmesh.wire.RelayConnected;

/**
 * One attempt to connect to a peer known by NodeId, a short-lived child of the {@link ConnectionManager}: resolve the
 * peer's signed endpoint record, try its addresses directly (all within {@code directTimeout}), and failing that ask
 * its relays for a session and route the peer through the first that works. It reports one {@link Outcome}; the
 * manager then upgrades a relayed connection to direct in the background. A {@link #failover} attempt moves a live
 * relayed connection whose relay was lost: relays only, the lost one last (it may have restarted), and the
 * connection keeps its route to the lost relay unless a new session answers.
 */
final class Dialer {
  /** What the attempt found. */
  sealed interface Outcome {
    NodeId peer();
  }

  /** Connected straight to {@code address} (a plain connection, no relay behind it). */
  record Direct(NodeId peer, InetSocketAddress address, Duration rtt) implements Outcome {}

  /** Connected through a relay; the peer is routed over {@code path}. */
  /** Connected through a relay; the peer is routed over {@code path}, one of the relays {@code record} names. */
  record Relayed(NodeId peer, Path.Relayed path, Duration rtt, EndpointRecord record) implements Outcome {}

  record Failed(NodeId peer, String reason) implements Outcome {}

  private sealed interface Step {}

  private record Resolved(EndpointRecord record, String failure) implements Step {}

  private record Pinged(Reply reply, Throwable failure) implements Step {}

  private record SessionAnswered(Contact relay, Reply reply, Throwable failure) implements Step {}

  private Dialer() {}

  static Behavior<Step> create(NodeId peer, Contact self, Transport transport, ActorRef<Dht.Command> dht,
      ConnectSettings settings, Duration requestTimeout, ActorRef<Outcome> report) {
    return create(peer, self, transport, dht, settings, requestTimeout, null, null, report);
  }

  /**
   * Moves the connection to {@code peer}, now routed over {@code lost}, to a session with another of its relays: those
   * {@code known} names if given (no lookup while the connection waits), else those of its record resolved afresh.
   */
  static Behavior<Step> failover(NodeId peer, Path.Relayed lost, EndpointRecord known, Contact self,
      Transport transport, ActorRef<Dht.Command> dht, ConnectSettings settings, Duration requestTimeout,
      ActorRef<Outcome> report) {
    return create(peer, self, transport, dht, settings, requestTimeout, lost, known, report);
  }

  private static Behavior<Step> create(NodeId peer, Contact self, Transport transport, ActorRef<Dht.Command> dht,
      ConnectSettings settings, Duration requestTimeout, Path.Relayed lost, EndpointRecord known,
      ActorRef<Outcome> report) {
    return Behaviors.setup(ctx -> {
      if (known != null) {
        return new Attempt(ctx, peer, self, transport, settings, requestTimeout, known, lost, report).next();
      }
      dht.tell(new Dht.Resolve(peer, Replies.once(ctx, requestTimeout.multipliedBy(6),
          (StatusReply<EndpointRecord> r) -> r.isSuccess() ? new Resolved(r.getValue(), null)
              : new Resolved(null, r.getError().getMessage()),
          () -> new Resolved(null, "no endpoint record found in time"))));
      return Behaviors.receive(Step.class)
          .onMessage(Resolved.class, resolved -> {
            if (resolved.record() == null) {
              report.tell(new Failed(peer, "cannot resolve " + peer.shortHex() + ": " + resolved.failure()));
              return Behaviors.stopped();
            }
            return new Attempt(ctx, peer, self, transport, settings, requestTimeout, resolved.record(), lost, report)
                .next();
          })
          .build();
    });
  }

  /** The direct addresses, then the relays, one at a time. */
  private static final class Attempt {
    private final ActorContext<Step> ctx;
    private final NodeId peer;
    private final Contact self;
    private final Transport transport;
    private final Duration requestTimeout;
    private final ActorRef<Outcome> report;
    private final List<InetSocketAddress> addresses;
    private final List<Contact> relays;
    private final Duration perAddress;
    private final List<String> tried = new ArrayList<>();
    /** The route a failover leaves in place when no new session works (null for a new connection). */
    private final Path.Relayed lost;
    private final EndpointRecord record;
    private int nextAddress;
    private int nextRelay;
    private Path.Relayed pending;

    Attempt(ActorContext<Step> ctx, NodeId peer, Contact self, Transport transport, ConnectSettings settings,
        Duration requestTimeout, EndpointRecord record, Path.Relayed lost, ActorRef<Outcome> report) {
      this.ctx = ctx;
      this.peer = peer;
      this.self = self;
      this.transport = transport;
      this.requestTimeout = requestTimeout;
      this.report = report;
      this.lost = lost;
      this.record = record;
      // A failover keeps the connection relayed; a direct-timeout of 0 means relays only (no direct attempt at all).
      this.addresses = lost != null || settings.directTimeout().isZero() ? List.of()
          : Candidates.dialOrder(record.addresses());
      this.relays = lost == null ? Candidates.relays(record.relays())
          : Candidates.lastOf(Candidates.relays(record.relays()), lost.relay());
      this.perAddress = addresses.isEmpty() ? Duration.ZERO
          : settings.directTimeout().dividedBy(addresses.size());
    }

    Behavior<Step> next() {
      if (nextAddress < addresses.size()) {
        InetSocketAddress address = addresses.get(nextAddress++);
        tried.add("direct " + Contact.Addresses.format(address));
        ctx.pipeToSelf(transport.request(Contact.of(peer, address), new Ping(self), perAddress), Pinged::new);
        return waiting();
      }
      if (nextRelay < relays.size()) {
        Contact relay = relays.get(nextRelay++);
        tried.add("relay " + relay);
        ctx.pipeToSelf(transport.request(relay, new RelayConnect(self, peer), requestTimeout),
            (reply, failure) -> new SessionAnswered(relay, reply, failure));
        return waiting();
      }
      report.tell(new Failed(peer, "no path to " + peer.shortHex() + " (tried " + String.join(", ", tried) + ")"));
      return Behaviors.stopped();
    }

    private Behavior<Step> waiting() {
      return Behaviors.receive(Step.class)
          .onMessage(Pinged.class, this::onPinged)
          .onMessage(SessionAnswered.class, this::onSessionAnswered)
          .build();
    }

    private Behavior<Step> onPinged(Pinged pinged) {
      boolean answered = pinged.failure() == null && pinged.reply().response() instanceof Ack;
      if (pending != null) {
        if (answered) {
          report.tell(new Relayed(peer, pending, pinged.reply().rtt(), record));
          return Behaviors.stopped();
        }
        if (lost != null) {
          transport.paths().route(peer, lost);
        } else {
          transport.paths().forget(peer);
        }
        tried.add("(" + reason(pinged) + ")");
        pending = null;
        return next();
      }
      if (answered) {
        report.tell(new Direct(peer, pinged.reply().address(), pinged.reply().rtt()));
        return Behaviors.stopped();
      }
      tried.add("(" + reason(pinged) + ")");
      return next();
    }

    private Behavior<Step> onSessionAnswered(SessionAnswered answered) {
      if (answered.failure() != null || !(answered.reply().response() instanceof RelayConnected connected)) {
        tried.add("(" + (answered.failure() != null ? Failures.message(answered.failure())
            : String.valueOf(answered.reply().response())) + ")");
        return next();
      }
      pending = new Path.Relayed(answered.relay().id(), answered.reply().address(), connected.sessionId());
      transport.paths().route(peer, pending);
      // The route decides where the ping goes; the contact's address is not used.
      ctx.pipeToSelf(transport.request(Contact.of(peer, pending.relayAddress()), new Ping(self), requestTimeout),
          Pinged::new);
      return waiting();
    }

    private static String reason(Pinged pinged) {
      return pinged.failure() != null ? Failures.message(pinged.failure())
          : "answered " + pinged.reply().response();
    }
  }
}
