package org.quicmesh.node;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.actor.Counters;
import org.quicmesh.actor.Failures;
import org.quicmesh.dht.Dht;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Contact.Addresses;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.WhatIsMyAddr;
import org.quicmesh.wire.YourAddr;

/**
 * The node's own face to the network: tells peers the address it sees them at, sends pings, and learns how peers see
 * us (our address behind a NAT, for instance). Peers that answer are reported to the DHT's routing table.
 */
public final class Endpoint extends AbstractBehavior<Endpoint.Command> {

  public sealed interface Command {}

  /**
   * A verified inbound request from the transport, answered by completing {@code reply}. A plain future rather than
   * an ask: Pekko's ask stages run their callbacks on fresh threads, which would break the simulator's single-thread
   * determinism and add a thread hop to every request.
   */
  public record Inbound(InboundRequest request, CompletableFuture<Response> reply) implements Command {}

  /** Pings a peer known by address only (a seed), accepting whichever verified id answers. */
  public record PingAddress(InetSocketAddress address, ActorRef<StatusReply<Pong>> replyTo) implements Command {}

  /** Pings a known peer; fails with IDENTITY_MISMATCH if someone else answers at its address. */
  public record PingContact(Contact contact, ActorRef<StatusReply<Pong>> replyTo) implements Command {}

  public record GetSnapshot(ActorRef<Snapshot> replyTo) implements Command {}

  /** NAT detection's observers saw us at these addresses (server-reflexive): they join the observed ones. */
  public record Mapped(List<InetSocketAddress> addresses) implements Command {}

  /** The addresses peers saw us at (newest first) and this endpoint's counters. */
  public record Snapshot(List<InetSocketAddress> observed, Map<String, Long> counters) {}

  private record AddressReported(Reply reply, Throwable failure) implements Command {}

  private record PingDone(Reply reply, Throwable failure, ActorRef<StatusReply<Pong>> replyTo) implements Command {}

  private static final int MAX_OBSERVED = 8;
  private static final int MAX_ASKED = 256;

  private final Transport transport;
  private final Contact self;
  private final List<InetSocketAddress> listen;
  private final Duration requestTimeout;
  private final ActorRef<Dht.Command> dht;
  private final Consumer<InetSocketAddress> onPeerObserved;
  private final Counters counters = new Counters();
  private final ArrayDeque<InetSocketAddress> observed = new ArrayDeque<>();
  /** Peers already asked how they see us (bounded; oldest forgotten first). */
  private final Set<NodeId> asked = new LinkedHashSet<>();

  /**
   * @param onPeerObserved told every address a peer reports seeing us at (NAT detection re-runs when it is new)
   */
  public static Behavior<Command> create(Transport transport, Contact self, List<InetSocketAddress> listen,
      Duration requestTimeout, ActorRef<Dht.Command> dht, Consumer<InetSocketAddress> onPeerObserved) {
    return Behaviors.setup(ctx -> new Endpoint(ctx, transport, self, listen, requestTimeout, dht, onPeerObserved));
  }

  private Endpoint(ActorContext<Command> ctx, Transport transport, Contact self, List<InetSocketAddress> listen,
      Duration timeout, ActorRef<Dht.Command> dht, Consumer<InetSocketAddress> onPeerObserved) {
    super(ctx);
    this.onPeerObserved = onPeerObserved;
    this.transport = transport;
    this.self = self;
    this.listen = List.copyOf(listen);
    this.requestTimeout = timeout;
    this.dht = dht;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(PingAddress.class, ping -> ping(
            transport.request(ping.address(), new Ping(self), requestTimeout), ping.replyTo()))
        .onMessage(PingContact.class, ping -> ping(
            transport.request(ping.contact(), new Ping(self), requestTimeout), ping.replyTo()))
        .onMessage(PingDone.class, this::onPingDone)
        .onMessage(AddressReported.class, this::onAddressReported)
        .onMessage(Mapped.class, mapped -> {
          mapped.addresses().forEach(this::learned);
          return this;
        })
        .onMessage(GetSnapshot.class, get -> {
          get.replyTo().tell(new Snapshot(List.copyOf(observed), counters.snapshot()));
          return this;
        })
        .build();
  }

  private Behavior<Command> onInbound(Inbound inbound) {
    InboundRequest request = inbound.request();
    if (request.message() instanceof WhatIsMyAddr) {
      counters.increment("requests.in.WhatIsMyAddr");
      inbound.reply().complete(new YourAddr(Addresses.format(request.observedAddress())));
    } else {
      counters.increment("requests.unsupported");
      inbound.reply().complete(new Rejected(Rejected.Reason.UNSUPPORTED,
          request.message().getClass().getSimpleName() + " is not served by this node"));
    }
    return this;
  }

  private Behavior<Command> ping(CompletionStage<Reply> sent, ActorRef<StatusReply<Pong>> replyTo) {
    counters.increment("pings.sent");
    getContext().pipeToSelf(sent, (reply, failure) -> new PingDone(reply, failure, replyTo));
    return this;
  }

  private Behavior<Command> onPingDone(PingDone done) {
    if (done.failure() != null || !(done.reply().response() instanceof Ack)) {
      counters.increment("pings.failed");
      done.replyTo().tell(StatusReply.error(done.failure() != null
          ? Failures.message(done.failure()) : "unexpected answer " + done.reply().response()));
      return this;
    }
    Reply reply = done.reply();
    Contact peer = Contact.of(reply.peer(), reply.address());
    dht.tell(new Dht.Observed(peer, reply.rtt()));
    if (asked.add(reply.peer())) {
      if (asked.size() > MAX_ASKED) {
        asked.remove(asked.iterator().next());
      }
      getContext().pipeToSelf(transport.request(peer, new WhatIsMyAddr(self), requestTimeout), AddressReported::new);
    }
    done.replyTo().tell(StatusReply.success(new Pong(reply.peer(), reply.address(), reply.rtt())));
    return this;
  }

  private Behavior<Command> onAddressReported(AddressReported reported) {
    if (reported.failure() != null || !(reported.reply().response() instanceof YourAddr yourAddr)) {
      return this;
    }
    InetSocketAddress address = Addresses.parse(yourAddr.address());
    learned(address);
    onPeerObserved.accept(address);
    return this;
  }

  /** A peer or an observer saw us at {@code address}; a new one changes our reachable addresses. */
  private void learned(InetSocketAddress address) {
    boolean isNew = !observed.contains(address);
    observed.remove(address);
    observed.addFirst(address);
    while (observed.size() > MAX_OBSERVED) {
      observed.removeLast();
    }
    if (isNew) {
      List<InetSocketAddress> serverReflexive = new ArrayList<>();
      observed.stream().filter(a -> !listen.contains(a)).forEach(serverReflexive::add);
      dht.tell(new Dht.AddressesChanged(listen, serverReflexive));
    }
  }
}
