package org.quicmesh.nat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.quicmesh.actor.Counters;
import org.quicmesh.actor.Replies;
import org.quicmesh.dht.Dht;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Contact.Addresses;
import org.quicmesh.wire.DialBack;
import org.quicmesh.wire.DialBackRelay;
import org.quicmesh.wire.DialBackSent;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.Response;

/**
 * Serves dial-backs to peers testing their NAT's filtering ({@link DialBack}, {@link DialBackRelay}): sends a small
 * datagram carrying the requester's nonce to the address the request came from, never elsewhere, from a spare socket
 * on this node's IP (source {@code OTHER_PORT}) or, through a peer it picks ({@link DialBackRelays}), from another IP
 * ({@code OTHER_IP}). The datagram is smaller than the request that asks for it and every peer gets only so many per
 * window ({@link DialBackLimiter}), so the node cannot be used as a reflector. Refusals are answered with a reason and
 * counted ({@code dial-back.refused.*}); the node keeps serving everyone else.
 */
final class DialBackServer extends AbstractBehavior<DialBackServer.Command> {

  sealed interface Command {}

  /** A verified DialBack or DialBackRelay, answered by completing {@code reply}. */
  record Serve(InboundRequest request, CompletableFuture<Response> reply) implements Command {}

  record GetCounters(ActorRef<Map<String, Long>> replyTo) implements Command {}

  private record SpareSocket(InetSocketAddress address, Throwable failure) implements Command {}

  private record PeersFor(Serve serve, DialBack ask, List<PeerInfo> peers) implements Command {}

  private record Relayed(Serve serve, Contact relay, Reply reply, Throwable failure) implements Command {}

  private final Transport transport;
  private final Contact self;
  private final List<InetSocketAddress> local;
  private final ActorRef<Dht.Command> dht;
  private final Duration requestTimeout;
  private final DialBackSettings settings;
  private final Random random;
  private final DialBackLimiter limiter;
  private final Counters counters = new Counters();
  /** Opened with the first same-IP dial-back; empty while opening or after it failed. */
  private Optional<InetSocketAddress> spare = Optional.empty();
  private boolean spareFailed;
  /** Same-IP dial-backs asked for while the spare socket opens. */
  private final List<Serve> waitingForSocket = new ArrayList<>();

  static Behavior<Command> create(Transport transport, Contact self, List<InetSocketAddress> local,
      ActorRef<Dht.Command> dht, Duration requestTimeout, DialBackSettings settings, Clock clock, Random random) {
    return Behaviors.setup(ctx ->
        new DialBackServer(ctx, transport, self, local, dht, requestTimeout, settings, clock, random));
  }

  private DialBackServer(ActorContext<Command> ctx, Transport transport, Contact self, List<InetSocketAddress> local,
      ActorRef<Dht.Command> dht, Duration requestTimeout, DialBackSettings settings, Clock clock, Random random) {
    super(ctx);
    this.transport = transport;
    this.self = self;
    this.local = List.copyOf(local);
    this.dht = dht;
    this.requestTimeout = requestTimeout;
    this.settings = settings;
    this.random = random;
    this.limiter = new DialBackLimiter(clock, settings);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Serve.class, this::onServe)
        .onMessage(SpareSocket.class, this::onSpareSocket)
        .onMessage(PeersFor.class, this::onPeersFor)
        .onMessage(Relayed.class, this::onRelayed)
        .onMessage(GetCounters.class, get -> {
          get.replyTo().tell(counters.snapshot());
          return this;
        })
        .build();
  }

  private Behavior<Command> onServe(Serve serve) {
    Optional<DialBackLimiter.Refusal> refused = limiter.take(serve.request().peer());
    if (refused.isPresent()) {
      Rejected.Reason reason = refused.get() == DialBackLimiter.Refusal.PEER_RATE
          ? Rejected.Reason.RATE_LIMITED : Rejected.Reason.OVERLOADED;
      refuse(serve, refused.get().counter, reason, "too many dial-backs, try later");
      return this;
    }
    if (serve.request().message() instanceof DialBackRelay relay) {
      counters.increment("dial-back.relays-sent");
      sendProbe(Optional.empty(), Addresses.parse(relay.to()), relay.nonce());
      serve.reply().complete(new DialBackSent(self.address()));
    } else if (serve.request().message() instanceof DialBack ask) {
      if (ask.source() == DialBack.Source.OTHER_PORT) {
        fromSpareSocket(serve, ask);
      } else {
        dht.tell(new Dht.GetPeers(Replies.once(getContext(), Duration.ofSeconds(5),
            (List<PeerInfo> peers) -> new PeersFor(serve, ask, peers), () -> new PeersFor(serve, ask, List.of()))));
      }
    } else {
      refuse(serve, "not-a-dial-back", Rejected.Reason.UNSUPPORTED, "not a dial-back");
    }
    return this;
  }

  private void fromSpareSocket(Serve serve, DialBack ask) {
    if (spare.isPresent()) {
      counters.increment("dial-back.sent.other-port");
      sendProbe(spare, serve.request().observedAddress(), ask.nonce());
      serve.reply().complete(new DialBackSent(Addresses.format(spare.get())));
    } else if (spareFailed) {
      refuse(serve, "no-spare-socket", Rejected.Reason.UNSUPPORTED, "no socket on another port here");
    } else {
      InetSocketAddress primary = local.get(0);
      int port = primary.getPort() + settings.portOffset();
      if (port > 65535) {
        spareFailed = true;
        refuse(serve, "no-spare-socket", Rejected.Reason.UNSUPPORTED, "no socket on another port here");
        return;
      }
      if (waitingForSocket.isEmpty()) {
        getContext().pipeToSelf(transport.datagrams().open(new InetSocketAddress(primary.getAddress(), port)),
            SpareSocket::new);
      }
      waitingForSocket.add(serve);
    }
  }

  private Behavior<Command> onSpareSocket(SpareSocket opened) {
    if (opened.failure() != null) {
      spareFailed = true; // e.g. the port is taken: the peer asks someone else
      getContext().getLog().debug("no spare socket for dial-backs: {}", opened.failure().getMessage());
    } else {
      spare = Optional.of(opened.address());
    }
    waitingForSocket.forEach(serve -> fromSpareSocket(serve, (DialBack) serve.request().message()));
    waitingForSocket.clear();
    return this;
  }

  private Behavior<Command> onPeersFor(PeersFor found) {
    InboundRequest request = found.serve().request();
    Set<InetAddress> excluded = new HashSet<>();
    excluded.add(request.observedAddress().getAddress());
    local.forEach(a -> excluded.add(a.getAddress()));
    excluded.add(self.socketAddress().getAddress());
    found.ask().avoid().forEach(ip -> excluded.add(Addresses.parseIp(ip)));
    Optional<Contact> relay = DialBackRelays.choose(found.peers(), request.peer(), excluded, random);
    if (relay.isEmpty()) {
      refuse(found.serve(), "no-relay", Rejected.Reason.UNSUPPORTED, "no peer outside the IPs to avoid");
      return this;
    }
    DialBackRelay ask = new DialBackRelay(self, Addresses.format(request.observedAddress()), found.ask().nonce());
    getContext().pipeToSelf(transport.request(relay.get(), ask, requestTimeout),
        (reply, failure) -> new Relayed(found.serve(), relay.get(), reply, failure));
    return this;
  }

  private Behavior<Command> onRelayed(Relayed relayed) {
    if (relayed.failure() == null && relayed.reply().response() instanceof DialBackSent sent) {
      counters.increment("dial-back.sent.other-ip");
      relayed.serve().reply().complete(sent);
    } else {
      refuse(relayed.serve(), "relay-failed", Rejected.Reason.OTHER, "the peer asked to dial back did not");
    }
    return this;
  }

  /** One datagram, fire and forget: a lost one reads as filtered, which the requester's next run corrects. */
  private void sendProbe(Optional<InetSocketAddress> from, InetSocketAddress to, byte[] nonce) {
    byte[] datagram = DialBackProbe.bytes(nonce);
    if (from.isPresent()) {
      transport.datagrams().send(from.get(), to, datagram);
    } else {
      transport.datagrams().send(to, datagram);
    }
  }

  private void refuse(Serve serve, String counter, Rejected.Reason reason, String detail) {
    counters.increment("dial-back.refused." + counter);
    serve.reply().complete(new Rejected(reason, detail));
  }
}
