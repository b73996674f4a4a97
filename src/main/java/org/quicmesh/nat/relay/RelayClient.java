package org.quicmesh.nat.relay;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.actor.Counters;
import org.quicmesh.actor.Replies;
import org.quicmesh.dht.Dht;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.NatClassification;
import org.quicmesh.nat.NatDetector;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.RelayReserve;
import org.quicmesh.wire.RelayReserved;

/**
 * Keeps this node reachable through relays: every round it asks each known relay for a reservation, keeps the best
 * {@code keep} by {@link RelayChoice} and tells the node which ones it holds (they go into its endpoint record, where
 * peers look for a way in). Rounds come often enough to keep the QUIC connection to each relay, and the NAT binding
 * under it, alive: the relay reaches us over that connection when a peer asks for a session. A relay that stops
 * answering drops out at the next round and another takes its place.
 *
 * <p>Known relays are the configured ones and, inside a node ({@link Mesh}), those found in the mesh: while fewer than
 * {@code keep} are held and either none is configured or none of the configured answered the last round, and the NAT
 * verdict says the node needs a relay, each discovery round resolves the endpoint records of a few routing-table
 * contacts ({@link RelayDiscovery}) and adds those advertising an accepting relay service. A relay whose record says it
 * accepts no one is not chosen unless already held (renewals are still granted). The tier term of the choice is the
 * relay's latency tier in the Dht. All replies from the Dht and the detector come through {@link Replies#once}.
 */
public final class RelayClient extends AbstractBehavior<RelayClient.Command> {

  public sealed interface Command {}

  /** Replies with the relays held now. */
  public record GetRelays(ActorRef<List<Contact>> replyTo) implements Command {}

  /**
   * What the client uses inside a node: the Dht (latency tiers, routing-table contacts, endpoint records) and the NAT
   * detector (whether the node needs a relay at all), for discovery with {@code discovery}.
   */
  public record Mesh(ActorRef<Dht.Command> dht, ActorRef<NatDetector.Command> nat, RelayDiscoverySettings discovery,
      Clock clock) {}

  private enum Round implements Command { INSTANCE }

  private enum Discover implements Command { INSTANCE }

  /** The Dht's peers for this round (empty if it did not answer in time): their tiers score the offers. */
  private record RoundPeers(long round, List<PeerInfo> peers) implements Command {}

  private record Answered(InetSocketAddress relay, NodeId discovered, Reply reply, Throwable failure, long round)
      implements Command {}

  private record NatKnown(Optional<NatClassification> verdict) implements Command {}

  private record DiscoveryPeers(List<PeerInfo> peers) implements Command {}

  private record Checked(Contact contact, StatusReply<EndpointRecord> record) implements Command {}

  private final Transport transport;
  private final Contact self;
  private final List<InetSocketAddress> relays;
  private final int keep;
  private final Duration requestTimeout;
  private final Consumer<List<Contact>> onHeld;
  private final Consumer<InetSocketAddress> onSeen;
  private final Optional<Mesh> mesh;
  private final Optional<RelayDiscovery> discovery;
  private final Counters counters = new Counters();
  private final List<RelayChoice.Offer> offers = new ArrayList<>();
  private Map<NodeId, Integer> tiers = Map.of();
  private List<Contact> held = List.of();
  private long round;
  private int outstanding;
  /** Whether a configured relay granted a reservation in the last finished round. */
  private boolean configuredAnswered;
  private boolean configuredAnsweredThisRound;
  /** Discovery: records being resolved, and whether any of them named a new relay. */
  private int checking;
  private boolean foundNew;

  /**
   * A client of the configured relays only (no discovery, tier 0 for all).
   *
   * @param relays the relays to ask (config {@code quicmesh.nat.relay.servers})
   * @param onHeld told the relays held whenever they change
   * @param onSeen told where a relay sees us (a server-reflexive address) with every reservation it grants
   */
  public static Behavior<Command> create(Transport transport, Contact self, List<InetSocketAddress> relays, int keep,
      Duration every, Duration requestTimeout, Consumer<List<Contact>> onHeld, Consumer<InetSocketAddress> onSeen) {
    return create(transport, self, relays, keep, every, requestTimeout, Optional.empty(), onHeld, onSeen);
  }

  /** As above, inside a node: tiers from its Dht and, if {@code mesh} enables it, relays found in the mesh. */
  public static Behavior<Command> create(Transport transport, Contact self, List<InetSocketAddress> relays, int keep,
      Duration every, Duration requestTimeout, Optional<Mesh> mesh, Consumer<List<Contact>> onHeld,
      Consumer<InetSocketAddress> onSeen) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new RelayClient(ctx, timers, transport, self, relays, keep, every, requestTimeout, mesh, onHeld, onSeen)));
  }

  private RelayClient(ActorContext<Command> ctx, TimerScheduler<Command> timers, Transport transport, Contact self,
      List<InetSocketAddress> relays, int keep, Duration every, Duration requestTimeout, Optional<Mesh> mesh,
      Consumer<List<Contact>> onHeld, Consumer<InetSocketAddress> onSeen) {
    super(ctx);
    this.transport = transport;
    this.self = self;
    this.relays = List.copyOf(relays);
    this.keep = keep;
    this.requestTimeout = requestTimeout;
    this.mesh = mesh;
    this.discovery = mesh.map(Mesh::discovery).filter(RelayDiscoverySettings::enabled).map(RelayDiscovery::new);
    this.onHeld = onHeld;
    this.onSeen = onSeen;
    ctx.getSelf().tell(Round.INSTANCE);
    timers.startTimerWithFixedDelay(Round.INSTANCE, every);
    mesh.map(Mesh::discovery).filter(RelayDiscoverySettings::enabled)
        .ifPresent(d -> timers.startTimerWithFixedDelay(Discover.INSTANCE, d.every()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Round.class, r -> startRound())
        .onMessage(RoundPeers.class, this::onRoundPeers)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(Discover.class, d -> discover())
        .onMessage(NatKnown.class, this::onNatKnown)
        .onMessage(DiscoveryPeers.class, this::onDiscoveryPeers)
        .onMessage(Checked.class, this::onChecked)
        .onMessage(GetRelays.class, get -> {
          get.replyTo().tell(held);
          return this;
        })
        .build();
  }

  // ---- reservation rounds ----

  private Behavior<Command> startRound() {
    if (outstanding > 0) {
      finishRound(); // the previous round's stragglers no longer count
    }
    round++;
    offers.clear();
    configuredAnsweredThisRound = false;
    if (relays.isEmpty() && discovery.map(d -> d.relays().isEmpty()).orElse(true) && held.isEmpty()) {
      return this; // nobody to ask: an idle client costs nothing
    }
    if (mesh.isPresent()) {
      long thisRound = round;
      outstanding = 1; // the tiers first, so the round cannot finish before its offers are asked
      mesh.get().dht().tell(new Dht.GetPeers(Replies.once(getContext(), requestTimeout,
          (List<PeerInfo> peers) -> new RoundPeers(thisRound, peers), () -> new RoundPeers(thisRound, List.of()))));
      return this;
    }
    askRelays();
    return this;
  }

  private Behavior<Command> onRoundPeers(RoundPeers known) {
    if (known.round() != round) {
      return this;
    }
    Map<NodeId, Integer> byNode = new HashMap<>();
    known.peers().forEach(p -> byNode.put(p.contact().id(), p.tier()));
    tiers = byNode;
    outstanding = 0;
    askRelays();
    return this;
  }

  /** Asks every configured relay and every relay found in the mesh (a discovered one that refuses: only if held). */
  private void askRelays() {
    Map<InetSocketAddress, NodeId> targets = new LinkedHashMap<>();
    relays.forEach(r -> targets.put(r, null));
    discovery.ifPresent(d -> d.relays().stream()
        .filter(r -> !d.refuses(r.id()) || held.contains(r))
        .forEach(r -> targets.putIfAbsent(Contact.Addresses.parse(r.address()), r.id())));
    outstanding = targets.size();
    long thisRound = round;
    if (targets.isEmpty()) {
      finishRound();
      return;
    }
    targets.forEach((relay, discovered) -> getContext().pipeToSelf(
        transport.request(relay, new RelayReserve(self), requestTimeout),
        (reply, failure) -> new Answered(relay, discovered, reply, failure, thisRound)));
  }

  private Behavior<Command> onAnswered(Answered answered) {
    if (answered.round() != round) {
      return this;
    }
    if (answered.failure() == null && answered.reply().response() instanceof RelayReserved reserved) {
      counters.increment("reservations.held");
      Reply reply = answered.reply();
      configuredAnsweredThisRound |= relays.contains(answered.relay());
      onSeen.accept(Contact.Addresses.parse(reserved.yourAddress()));
      offers.add(new RelayChoice.Offer(Contact.of(reply.peer(), reply.address()), reply.rtt().toMillis(),
          reserved.loadPermille(), tiers.getOrDefault(reply.peer(), 0)));
    } else {
      counters.increment("reservations.failed");
      if (answered.discovered() != null) {
        discovery.ifPresent(d -> d.failed(answered.discovered()));
      }
    }
    if (--outstanding == 0) {
      finishRound();
    }
    return this;
  }

  private void finishRound() {
    outstanding = 0;
    configuredAnswered = configuredAnsweredThisRound;
    List<RelayChoice.Offer> choosable = offers.stream()
        .filter(o -> discovery.map(d -> !d.refuses(o.relay().id())).orElse(true) || held.contains(o.relay()))
        .toList();
    List<Contact> best = RelayChoice.best(choosable, keep).stream().map(RelayChoice.Offer::relay).toList();
    if (!best.equals(held)) {
      held = best;
      onHeld.accept(held);
    }
  }

  // ---- discovery ----

  private Behavior<Command> discover() {
    boolean configuredServe = !relays.isEmpty() && configuredAnswered;
    if (mesh.isEmpty() || discovery.isEmpty() || held.size() >= keep || configuredServe || checking > 0) {
      return this;
    }
    counters.increment("discovery.rounds");
    mesh.get().nat().tell(new NatDetector.GetVerdict(Replies.once(getContext(), requestTimeout, NatKnown::new,
        () -> new NatKnown(Optional.empty()))));
    return this;
  }

  private Behavior<Command> onNatKnown(NatKnown known) {
    if (known.verdict().map(v -> v.type().needsRelay()).orElse(false)) {
      mesh.get().dht().tell(new Dht.GetPeers(Replies.once(getContext(), requestTimeout, DiscoveryPeers::new,
          () -> new DiscoveryPeers(List.of()))));
    } else {
      counters.increment("discovery.skipped.no-nat-verdict-needing-a-relay");
    }
    return this;
  }

  private Behavior<Command> onDiscoveryPeers(DiscoveryPeers known) {
    List<Contact> toCheck = discovery.get().toCheck(known.peers(), self.id(), mesh.get().clock().millis());
    checking = toCheck.size();
    foundNew = false;
    // A lookup per record: give it the time a lookup takes, not one RPC's.
    Duration lookupTimeout = requestTimeout.multipliedBy(4);
    for (Contact contact : toCheck) {
      counters.increment("discovery.records.resolved");
      mesh.get().dht().tell(new Dht.Resolve(contact.id(), Replies.once(getContext(), lookupTimeout,
          (StatusReply<EndpointRecord> record) -> new Checked(contact, record),
          () -> new Checked(contact, StatusReply.error("no answer from the Dht")))));
    }
    return this;
  }

  private Behavior<Command> onChecked(Checked checked) {
    Optional<EndpointRecord> record = checked.record().isSuccess()
        ? Optional.of(checked.record().getValue()) : Optional.empty();
    if (record.isEmpty()) {
      counters.increment("discovery.records.missing");
    }
    if (discovery.get().checked(checked.contact(), record.flatMap(EndpointRecord::advertisedRelayService))) {
      counters.increment("discovery.relays.found");
      foundNew = true;
    }
    if (--checking == 0 && foundNew) {
      getContext().getSelf().tell(Round.INSTANCE); // reserve now, not at the next renewal
    }
    return this;
  }

  Map<String, Long> counters() {
    return counters.snapshot();
  }
}
