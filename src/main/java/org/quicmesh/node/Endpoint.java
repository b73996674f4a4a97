package org.quicmesh.node;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.WhatIsMyAddr;
import org.quicmesh.wire.YourAddr;
import org.quicmesh.wire.Contact.Addresses;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.Response;

/**
 * The node's face to the network: answers inbound requests that belong to no protocol family yet (ping), sends
 * pings, and remembers the peers that proved their identity. Holds no transport lifecycle (the guardian does), so a
 * restart loses only the peer list.
 */
public final class Endpoint extends AbstractBehavior<Endpoint.Command> {

  public sealed interface Command {}

  /**
   * A verified inbound request from the transport, answered by completing {@code reply}. A plain future rather than
   * an ask: Pekko's ask stages run their callbacks on fresh threads, which would break the simulator's single-thread
   * determinism and add a thread hop to every request.
   */
  public record Inbound(InboundRequest request, CompletableFuture<Response> reply) implements Command {}

  public record SendPing(PeerTarget target, ActorRef<StatusReply<Pong>> replyTo) implements Command {}

  public record GetSnapshot(ActorRef<Snapshot> replyTo) implements Command {}

  /** The peers we know (sorted by id), the addresses peers saw us at (newest first), and this endpoint's counters. */
  public record Snapshot(List<KnownPeer> peers, List<InetSocketAddress> observed, Map<String, Long> counters) {}

  private record AddressReported(Reply reply, Throwable failure) implements Command {}

  private record PingDone(PeerTarget target, Reply reply, Throwable failure, ActorRef<StatusReply<Pong>> replyTo)
      implements Command {}

  private final Transport transport;
  private final Contact self;
  private final Duration requestTimeout;
  private final Clock clock;
  private final Map<NodeId, KnownPeer> peers = new LinkedHashMap<>();
  private final Counters counters = new Counters();
  private final ArrayDeque<InetSocketAddress> observed = new ArrayDeque<>();
  private static final int MAX_OBSERVED = 8;

  public static Behavior<Command> create(Transport transport, Contact self, Duration requestTimeout, Clock clock) {
    return Behaviors.setup(ctx -> new Endpoint(ctx, transport, self, requestTimeout, clock));
  }

  private Endpoint(ActorContext<Command> ctx, Transport transport, Contact self, Duration timeout, Clock clock) {
    super(ctx);
    this.transport = transport;
    this.self = self;
    this.requestTimeout = timeout;
    this.clock = clock;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(SendPing.class, this::onSendPing)
        .onMessage(PingDone.class, this::onPingDone)
        .onMessage(AddressReported.class, this::onAddressReported)
        .onMessage(GetSnapshot.class, this::onGetSnapshot)
        .build();
  }

  private Behavior<Command> onInbound(Inbound inbound) {
    InboundRequest request = inbound.request();
    counters.increment("requests.in." + request.message().getClass().getSimpleName());
    remember(request.peer(), request.observedAddress(), null);
    if (request.message() instanceof Ping) {
      inbound.reply().complete(new Ack());
    } else if (request.message() instanceof WhatIsMyAddr) {
      inbound.reply().complete(new YourAddr(Addresses.format(request.observedAddress())));
    } else {
      counters.increment("requests.unsupported");
      inbound.reply().complete(new Rejected(Rejected.Reason.UNSUPPORTED,
          request.message().getClass().getSimpleName() + " is not served by this node"));
    }
    return this;
  }

  private Behavior<Command> onSendPing(SendPing ping) {
    CompletionStage<Reply> sent;
    Ping message = new Ping(self);
    if (ping.target() instanceof PeerTarget.ByAddress byAddress) {
      sent = transport.request(byAddress.address(), message, requestTimeout);
    } else {
      NodeId node = ((PeerTarget.ByNode) ping.target()).node();
      KnownPeer known = peers.get(node);
      if (known == null) {
        ping.replyTo().tell(StatusReply.error("unknown peer " + node.toHex() + ": ping it by address first"));
        return this;
      }
      sent = transport.request(Contact.of(node, known.address()), message, requestTimeout);
    }
    counters.increment("pings.sent");
    getContext().pipeToSelf(sent, (reply, failure) -> new PingDone(ping.target(), reply, failure, ping.replyTo()));
    return this;
  }

  private Behavior<Command> onPingDone(PingDone done) {
    if (done.failure() != null) {
      counters.increment("pings.failed");
      done.replyTo().tell(StatusReply.error(Failures.message(done.failure())));
      return this;
    }
    Reply reply = done.reply();
    if (!(reply.response() instanceof Ack)) {
      counters.increment("pings.failed");
      done.replyTo().tell(StatusReply.error("unexpected answer " + reply.response()));
      return this;
    }
    boolean firstContact = !peers.containsKey(reply.peer());
    remember(reply.peer(), reply.address(), reply.rtt());
    if (firstContact) {
      askObservedAddress(Contact.of(reply.peer(), reply.address()));
    }
    done.replyTo().tell(StatusReply.success(new Pong(reply.peer(), reply.address(), reply.rtt())));
    return this;
  }

  /** Learns how a new peer sees us (our address behind a NAT, for instance). */
  private void askObservedAddress(Contact peer) {
    getContext().pipeToSelf(transport.request(peer, new WhatIsMyAddr(self), requestTimeout), AddressReported::new);
  }

  private Behavior<Command> onAddressReported(AddressReported reported) {
    if (reported.failure() == null && reported.reply().response() instanceof YourAddr yourAddr) {
      InetSocketAddress address = Addresses.parse(yourAddr.address());
      observed.remove(address);
      observed.addFirst(address);
      while (observed.size() > MAX_OBSERVED) {
        observed.removeLast();
      }
    }
    return this;
  }

  private Behavior<Command> onGetSnapshot(GetSnapshot get) {
    List<KnownPeer> sorted = new ArrayList<>(peers.values());
    sorted.sort((a, b) -> a.id().compareTo(b.id()));
    get.replyTo().tell(new Snapshot(sorted, List.copyOf(observed), counters.snapshot()));
    return this;
  }

  private void remember(NodeId id, InetSocketAddress address, Duration rtt) {
    if (id.equals(self.id())) {
      return;
    }
    KnownPeer previous = peers.get(id);
    Duration lastRtt = rtt != null ? rtt : previous != null ? previous.lastRtt() : null;
    peers.put(id, new KnownPeer(id, address, lastRtt, clock.instant()));
  }


}
