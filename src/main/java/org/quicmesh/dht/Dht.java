package org.quicmesh.dht;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.identity.RelayService;
import org.quicmesh.actor.Counters;
import org.quicmesh.actor.Latencies;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Contact.Addresses;
import org.quicmesh.wire.FindNode;
import org.quicmesh.wire.FindValue;
import org.quicmesh.wire.Nodes;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.Store;
import org.quicmesh.wire.Value;

/**
 * The Kademlia DHT of one node: owns the routing table, the value store and the latency tiers (plain classes), spawns
 * one {@link Lookup} actor per query and one {@link Bucket} actor per full bucket, answers the DHT requests of peers,
 * and keeps itself healthy with timers (adaptive k, bucket refresh, tier recomputation, expiry sweeps, republish).
 */
public final class Dht {

  /** The DHT's protocol; the node guardian and endpoint send these. */
  public sealed interface Command {}

  /** A verified DHT request from a peer; answered by completing {@code reply}. */
  public record Inbound(InboundRequest request, CompletableFuture<Response> reply) implements Command {}

  /** A peer proved its identity at this address (it answered us, or connected with a verified certificate). */
  public record Observed(Contact contact, Duration rtt) implements Command {}

  /** Joins the network through these seeds: ping them, then look up our own id; retries with backoff. */
  public record Bootstrap(List<InetSocketAddress> seeds) implements Command {}

  /** The {@code resultSize} contacts closest to a target, found by an iterative lookup, with its statistics. */
  public record FindClosest(NodeId target, ActorRef<StatusReply<LookupResult>> replyTo) implements Command {}

  /** Where a node can be reached: from the routing table, or by a lookup of its id. */
  public record Locate(NodeId node, ActorRef<StatusReply<Contact>> replyTo) implements Command {}

  /** Stores a value under BLAKE3(value) locally and at the k closest nodes. */
  public record Put(byte[] value, ActorRef<StatusReply<PutResult>> replyTo) implements Command {}

  /** Finds a value by key, locally or by an iterative FindValue. */
  public record Get(Key key, ActorRef<StatusReply<byte[]>> replyTo) implements Command {}

  /** Whether the store holds {@code key} (our original or a peer's copy, see {@link RecordStore#holds}); no query. */
  public record Holds(Key key, ActorRef<StatusReply<Boolean>> replyTo) implements Command {}

  /**
   * Signs our endpoint record (our current addresses) and stores it at the nodes closest to its key; it is then
   * republished at half its lifetime and whenever our addresses change.
   */
  public record PublishAddress(ActorRef<StatusReply<EndpointRecord>> replyTo) implements Command {}

  /**
   * Our reachable addresses changed: our own ({@code host}) or where peers and observers see us
   * ({@code serverReflexive}); republishes the endpoint record, with each address's kind, if one was published.
   */
  public record AddressesChanged(List<InetSocketAddress> host, List<InetSocketAddress> serverReflexive)
      implements Command {
    public AddressesChanged {
      host = List.copyOf(host);
      serverReflexive = List.copyOf(serverReflexive);
    }
  }

  /**
   * The relays we hold reservations with changed ({@code <hex node id>@ip:port} each): our endpoint record is
   * published again with them, so peers that cannot dial us find a way in.
   */
  public record RelaysChanged(List<String> relays) implements Command {}

  /**
   * What we advertise as a relay for others changed (the relay server decides when that matters): our endpoint record
   * is published again with it, so nodes behind NATs find us and see our load.
   */
  public record RelayServiceChanged(RelayService service) implements Command {
    public RelayServiceChanged {
      java.util.Objects.requireNonNull(service, "service");
    }
  }

  /** Finds and verifies a node's endpoint record (newest sequence seen wins; forged, expired, replayed refused). */
  public record Resolve(NodeId node, ActorRef<StatusReply<EndpointRecord>> replyTo) implements Command {}

  public record GetPeers(ActorRef<List<PeerInfo>> replyTo) implements Command {}

  /** Every routing-table contact with when it was last seen and its RTT (for the contact cache of a restart). */
  public record GetKnownContacts(ActorRef<List<KnownContact>> replyTo) implements Command {}

  public record GetStatus(ActorRef<DhtStatus> replyTo) implements Command {}

  /** What the value store holds, our originals and the copies held for peers (for the state dir). */
  public record GetStoredValues(ActorRef<StoredValues> replyTo) implements Command {}

  /**
   * Values held before a restart, read back from the state dir: each is taken as a Store from its storer would be
   * now (expired copies dropped, endpoint records verified again, quotas and limits applied), our originals as a Put.
   */
  public record RestoreValues(StoredValues contents) implements Command {
    public RestoreValues {
      java.util.Objects.requireNonNull(contents, "contents");
    }
  }

  private record LookupFinished(Lookup.Finished finished) implements Command {}

  private record LookupAnswered(Lookup.Answered answered) implements Command {}

  private record LookupFailed(Lookup.Failed failed) implements Command {}

  private record Probed(Bucket.ProbeResult result) implements Command {}

  private record SeedAnswered(int attempt, InetSocketAddress seed, Reply reply, Throwable failure)
      implements Command {}

  private record StoresDone(Runnable then) implements Command {}

  private enum Tick implements Command { MAINTENANCE, TIERS, BOOTSTRAP_RETRY, SELF_LOOKUP_RETRY, PUBLISH_RETRY }

  /** First wait before publishing our record again when no node took it; doubles up to the maintenance interval. */
  private static final Duration PUBLISH_RETRY = Duration.ofSeconds(2);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  /** The wait before the next publish retry (see {@link #PUBLISH_RETRY}). */
  private Duration publishRetry = PUBLISH_RETRY;
  private final DhtSettings settings;
  private final Transport transport;
  private final Keypair keypair;
  private final Contact self;
  private final Clock clock;
  private final Random random;
  private final Latencies latencies;
  private final RoutingTable table;
  private final RecordStore store;
  private final LatencyTiers tiers;
  private final AdaptiveAlpha alpha;
  private final Counters counters = new Counters();
  private final Map<Integer, ActorRef<Bucket.Command>> buckets = new HashMap<>();
  private final Map<Long, Consumer<Lookup.Finished>> continuations = new HashMap<>();
  private final BootstrapState bootstrap;
  private final EndpointRecords records;
  private final Replication replication;
  private final ActorRef<Lookup.Finished> finishedAdapter;
  private final ActorRef<Lookup.Answered> answeredAdapter;
  private final ActorRef<Lookup.Failed> failedAdapter;
  private final ActorRef<Bucket.ProbeResult> probeAdapter;
  private Map<NodeId, Integer> tierSnapshot = Map.of();
  private Map<NodeId, Long> slowAfterSnapshot = Map.of();
  private int contactsAtLastTiers;
  private long nextLookupId;

  private Dht(ActorContext<Command> context, TimerScheduler<Command> timers, DhtSettings settings, Transport transport,
      Keypair keypair, Contact self, Clock clock, Random random, Latencies latencies) {
    this.context = context;
    this.latencies = latencies;
    this.timers = timers;
    this.settings = settings;
    this.transport = transport;
    this.keypair = keypair;
    this.self = self;
    this.clock = clock;
    this.random = random;
    this.bootstrap = new BootstrapState(settings.bootstrapRetryMax());
    this.records = new EndpointRecords(keypair, List.of(self.socketAddress()), settings.recordTtl(), counters);
    long now = clock.millis();
    this.table = new RoutingTable(self.id(), settings.routing(), now);
    this.store = new RecordStore(settings.store(), now);
    this.tiers = new LatencyTiers(settings.tiers());
    this.replication = new Replication(self.id(), store, table, settings);
    this.alpha = AdaptiveAlpha.fromSettings(settings.lookup());
    this.finishedAdapter = context.messageAdapter(Lookup.Finished.class, LookupFinished::new);
    this.answeredAdapter = context.messageAdapter(Lookup.Answered.class, LookupAnswered::new);
    this.failedAdapter = context.messageAdapter(Lookup.Failed.class, LookupFailed::new);
    this.probeAdapter = context.messageAdapter(Bucket.ProbeResult.class, Probed::new);
    timers.startTimerWithFixedDelay(Tick.MAINTENANCE, settings.maintenanceInterval());
    timers.startTimerWithFixedDelay(Tick.TIERS, settings.tiers().tierInterval());
  }

  public static Behavior<Command> create(DhtSettings settings, Transport transport, Keypair keypair, Contact self,
      Clock clock, Random random) {
    return create(settings, transport, keypair, self, clock, random, Latencies.NONE);
  }

  /** As above, reporting RPC round-trip times and lookup durations to {@code latencies}. */
  public static Behavior<Command> create(DhtSettings settings, Transport transport, Keypair keypair, Contact self,
      Clock clock, Random random, Latencies latencies) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Dht(ctx, timers, settings, transport, keypair, self, clock, random, latencies).behavior()));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(Observed.class, m -> {
          observe(m.contact(), m.rtt());
          return Behaviors.same();
        })
        .onMessage(Bootstrap.class, this::onBootstrap)
        .onMessage(SeedAnswered.class, this::onSeedAnswered)
        .onMessage(FindClosest.class, this::onFindClosest)
        .onMessage(Locate.class, this::onLocate)
        .onMessage(Put.class, this::onPut)
        .onMessage(Get.class, this::onGet)
        .onMessage(Holds.class, m -> {
          m.replyTo().tell(StatusReply.success(store.holds(m.key())));
          return Behaviors.same();
        })
        .onMessage(PublishAddress.class, this::onPublishAddress)
        .onMessage(AddressesChanged.class, this::onAddressesChanged)
        .onMessage(RelaysChanged.class, changed -> {
          records.relaysChanged(changed.relays());
          publish(record -> { });
          return Behaviors.same();
        })
        .onMessage(Resolve.class, this::onResolve)
        .onMessage(RelayServiceChanged.class, changed -> {
          records.relayServiceChanged(changed.service());
          publish(record -> { });
          return Behaviors.same();
        })
        .onMessage(GetPeers.class, this::onGetPeers)
        .onMessage(GetKnownContacts.class, this::onGetKnownContacts)
        .onMessage(GetStoredValues.class, get -> {
          get.replyTo().tell(store.contents(clock.millis()));
          return Behaviors.same();
        })
        .onMessage(RestoreValues.class, this::onRestoreValues)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(LookupFinished.class, this::onLookupFinished)
        .onMessage(LookupAnswered.class, m -> {
          observe(m.answered().contact(), m.answered().rtt());
          return Behaviors.same();
        })
        .onMessage(LookupFailed.class, m -> {
          // Lookup RPC failures count against the contact like any other: after max-consecutive-failures in a row
          // (an answer resets the count) it leaves the table for a waiting replacement, so dead contacts stop being
          // handed out.
          repairAfterLoss(m.failed().contact().id());
          if (table.markFailed(m.failed().contact().id(), clock.millis())) {
            tiers.forget(m.failed().contact().id());
            counters.increment("table.dropped_failed");
          }
          return Behaviors.same();
        })
        .onMessage(Probed.class, this::onProbed)
        .onMessage(StoresDone.class, m -> {
          m.then().run();
          return Behaviors.same();
        })
        .onMessageEquals(Tick.MAINTENANCE, this::onMaintenance)
        .onMessageEquals(Tick.TIERS, () -> {
          recomputeTiers();
          return Behaviors.same();
        })
        .onMessageEquals(Tick.BOOTSTRAP_RETRY, () -> bootstrapNext(bootstrap.retry()))
        .onMessageEquals(Tick.SELF_LOOKUP_RETRY, () -> bootstrapNext(bootstrap.lookUpSelfAgain()))
        .onMessageEquals(Tick.PUBLISH_RETRY, () -> {
          publish(record -> { });
          return Behaviors.same();
        })
        .onSignal(PreRestart.class, signal -> reseedAfterRestart())
        .build();
  }

  /**
   * Supervision hook: the restarted Dht starts empty, so the failing one leaves in its mailbox (which survives the
   * restart) its routing-table contacts and a bootstrap from its seeds (or, without seeds, a lookup of its own id);
   * the new one takes them in as messages. Stored values are not carried over: their other replicas keep them.
   */
  private Behavior<Command> reseedAfterRestart() {
    for (Contact contact : table.contacts()) {
      context.getSelf().tell(new Observed(contact, null));
    }
    context.getSelf().tell(bootstrap.seeds().isEmpty()
        ? new FindClosest(self.id(), context.getSystem().ignoreRef()) : new Bootstrap(bootstrap.seeds()));
    return Behaviors.same();
  }

  // ---- serving peers ----

  private Behavior<Command> onInbound(Inbound inbound) {
    InboundRequest request = inbound.request();
    long now = clock.millis();
    observe(new Contact(request.peer(), Addresses.format(request.observedAddress())), null);
    Response response;
    if (request.message() instanceof Ping) {
      response = new Ack();
    } else if (request.message() instanceof FindNode findNode) {
      counters.increment("in.find_node");
      response = new Nodes(table.closest(findNode.target(), settings.resultSize()));
    } else if (request.message() instanceof FindValue findValue) {
      counters.increment("in.find_value");
      Key key = Key.of(findValue.key());
      Optional<byte[]> value = store.get(key, now);
      response = value.<Response>map(Value::new)
          .orElseGet(() -> new Nodes(table.closest(key.toNodeId(), settings.resultSize())));
    } else if (request.message() instanceof Store storeRequest) {
      counters.increment("in.store");
      response = storeFromPeer(request.peer(), storeRequest, now);
    } else {
      response = new Rejected(Rejected.Reason.UNSUPPORTED, "not a DHT request");
    }
    inbound.reply().complete(response);
    return Behaviors.same();
  }

  /** Content-addressed values go to the store as they are; endpoint records are verified and newest-wins. */
  private Response storeFromPeer(NodeId peer, Store request, long now) {
    StoreResult result = admit(request.key(), request.value(), now, contentAddressed -> contentAddressed
        ? store.store(peer, request.key(), request.value(), request.ttlMillis(), now)
        : store.storeReplacing(peer, request.key(), request.value(), request.ttlMillis(), now));
    return result instanceof StoreResult.Rejected rejected ? rejected.toWire() : new Ack();
  }

  /**
   * The checks of a Store that come before the store's own: a value whose key is not its hash must be a valid endpoint
   * record, newer than any held ({@code into} is then told false, to replace). A kept record is noted as newest.
   */
  private StoreResult admit(byte[] key, byte[] value, long now,
      java.util.function.Function<Boolean, StoreResult> into) {
    if (key != null && value != null && !Key.forContent(value).equals(Key.of(key))) {
      Optional<EndpointRecord> record = records.acceptForStore(key, value, now);
      if (record.isPresent()) {
        StoreResult result = into.apply(false);
        if (!(result instanceof StoreResult.Rejected)) {
          records.kept(record.get());
        }
        return result;
      }
    }
    return into.apply(true);
  }

  private Behavior<Command> onRestoreValues(RestoreValues restore) {
    long now = clock.millis();
    for (StoredValues.Own own : restore.contents().own()) {
      if (own.value().length > settings.store().maxValueBytes() || own.ttlMillis() <= 0
          || !Key.forContent(own.value()).equals(own.key())) {
        counters.increment("state.values_refused");
      } else {
        store.putLocal(own.value(), own.ttlMillis(), now);
        counters.increment("state.values_restored");
      }
    }
    for (StoredValues.Held copy : restore.contents().held()) {
      if (copy.expiresAtMillis() <= now) {
        counters.increment("state.values_expired");
        continue;
      }
      StoreResult result = admit(copy.key().bytes(), copy.value(), now,
          contentAddressed -> store.restore(copy, contentAddressed, now));
      counters.increment(result instanceof StoreResult.Rejected ? "state.values_refused" : "state.values_restored");
    }
    return Behaviors.same();
  }

  /**
   * After each self-lookup, also one that found only the seeds: a relay's record goes out at once to whom we know
   * (one published before we knew anyone reached nobody, and nodes look for relays there), not only once joined.
   */
  private void afterSelfLookup() {
    recomputeTiers();
    if (records.advertisesRelayService()) {
      publish(record -> { });
    }
  }

  // ---- routing table upkeep ----

  private void observe(Contact contact, Duration rtt) {
    long now = clock.millis();
    if (rtt != null) {
      tiers.record(contact.id(), rtt.toNanos() / 1e6, now);
      latencies.record(Latencies.Kind.RPC_RTT, rtt);
    }
    ObserveResult result = table.observe(contact, now);
    if (result instanceof ObserveResult.Added) {
      handOff(contact, now);
    } else if (result instanceof ObserveResult.PingBeforeEvict probe) {
      int index = self.id().bucketIndex(contact.id());
      bucket(index).tell(new Bucket.Probe(probe.leastRecentlySeen()));
      counters.increment("table.probes");
    }
  }

  private ActorRef<Bucket.Command> bucket(int index) {
    return buckets.computeIfAbsent(index, i -> context.spawn(
        Behaviors.supervise(Bucket.create(i, transport, self, settings.rpcTimeout(), probeAdapter))
            .onFailure(SupervisorStrategy.restart()),
        "bucket-" + i));
  }

  private Behavior<Command> onProbed(Probed probed) {
    long now = clock.millis();
    if (probed.result().alive()) {
      table.probeAnswered(probed.result().contact(), now);
    } else {
      repairAfterLoss(probed.result().contact());
      table.probeFailed(probed.result().contact(), now);
      tiers.forget(probed.result().contact());
      counters.increment("table.evicted");
    }
    return Behaviors.same();
  }

  private Behavior<Command> onMaintenance() {
    long now = clock.millis();
    table.adaptK(now);
    for (int index : table.bucketsNeedingRefresh(now, settings.routing().bucketRefreshInterval())) {
      counters.increment("lookups.refresh");
      startLookup(lookupState(table.randomIdInBucket(index, random), null), finished -> { });
      table.touchBucket(index, now);
    }
    tiers.prune(now);
    store.sweep(now);
    Replication.Due due = replication.dueForRepublish(now);
    due.own().forEach(own -> republish(own, false, "replication.republished_own"));
    due.held().forEach(held -> republish(held, true, "replication.republished_held"));
    replication.sweep(now);
    if (records.dueForRepublish(now)) {
      publish(record -> { });
    }
    if (table.size() >= 2 * Math.max(1, contactsAtLastTiers)) {
      recomputeTiers();
    }
    return Behaviors.same();
  }

  /** Stores a value we hold (ours or a peer's) again at the current k closest; its traffic is counted. */
  /** Stores a value again at its closest nodes; a copy held for others only where {@link Replication} allows. */
  private void republish(RecordStore.Republish due, boolean heldCopy, String counter) {
    counters.increment(counter);
    replicate(due.key(), due.value(), due.ttlMillis(), heldCopy, (lookupMessages, result) ->
        counters.add("replication.messages", lookupMessages + result[1]));
  }

  /** A contact failed: the values it was among the closest holders of are stored again (see {@link Replication}). */
  private void repairAfterLoss(NodeId lost) {
    for (RecordStore.Republish due : replication.afterLoss(lost, clock.millis())) {
      republish(due, true, "replication.repaired");
    }
  }

  /** A contact just entered our routing table: it gets the values it is now among the closest holders of. */
  private void handOff(Contact contact, long now) {
    for (RecordStore.Republish held : replication.forNewContact(contact, now)) {
      if (!replication.mayReplicateTo(contact.id(), now)) {
        counters.increment("replication.deferred");
        continue;
      }
      counters.increment("replication.handed_off");
      counters.increment("replication.messages");
      transport.request(contact, new Store(self, held.key().bytes(), held.value(), held.ttlMillis()),
          settings.rpcTimeout());
    }
  }

  private void recomputeTiers() {
    tiers.recompute(random);
    Map<NodeId, Integer> snapshot = new HashMap<>();
    Map<NodeId, Long> slowAfter = new HashMap<>();
    for (Contact c : table.contacts()) {
      snapshot.put(c.id(), tiers.tierOf(c.id()));
      tiers.rttOf(c.id()).ifPresent(rtt ->
          slowAfter.put(c.id(), settings.lookup().slowAfterMillis(java.util.OptionalDouble.of(rtt))));
    }
    tierSnapshot = Map.copyOf(snapshot);
    slowAfterSnapshot = Map.copyOf(slowAfter);
    contactsAtLastTiers = table.size();
  }

  /** Tier lookups run inside Lookup actors, so they read an immutable snapshot, never the live tiers. */
  private int tierOf(NodeId id) {
    return tierSnapshot.getOrDefault(id, tiers.model().defaultTier());
  }

  // ---- bootstrap ----

  private Behavior<Command> onBootstrap(Bootstrap command) {
    return bootstrapNext(bootstrap.start(command.seeds()));
  }

  private Behavior<Command> onSeedAnswered(SeedAnswered answer) {
    if (answer.failure() == null) {
      observe(Contact.of(answer.reply().peer(), answer.reply().address()), answer.reply().rtt());
    } else {
      counters.increment("bootstrap.seed_failed");
      context.getLog().warn("bootstrap: seed {} did not answer: {}", Addresses.format(answer.seed()),
          org.quicmesh.actor.Failures.message(answer.failure()));
    }
    return bootstrapNext(bootstrap.seedOutcome(answer.attempt(), answer.failure() == null));
  }

  /** Does what the bootstrap state machine asks for next. */
  private Behavior<Command> bootstrapNext(BootstrapState.Next next) {
    switch (next) {
      case PING_SEEDS -> {
        int attempt = bootstrap.attempt();
        for (InetSocketAddress seed : bootstrap.seeds()) {
          context.pipeToSelf(transport.request(seed, new Ping(self), settings.rpcTimeout()),
              (reply, failure) -> new SeedAnswered(attempt, seed, reply, failure));
        }
      }
      case RETRY_LATER -> {
        context.getLog().error("bootstrap: no seed answered ({}); retrying in {} s", bootstrap.seeds(),
            bootstrap.retryDelay().toSeconds());
        timers.startSingleTimer(Tick.BOOTSTRAP_RETRY, bootstrap.retryDelay());
      }
      case LOOK_UP_SELF -> startLookup(lookupState(self.id(), null),
          finished -> bootstrapNext(bootstrap.selfLookupDone(table.size())));
      case LOOK_UP_SELF_LATER -> {
        afterSelfLookup();
        timers.startSingleTimer(Tick.SELF_LOOKUP_RETRY, bootstrap.retryDelay());
      }
      case JOINED -> afterSelfLookup();
      case START_NEW_MESH, WAIT -> { }
    }
    return Behaviors.same();
  }

  // ---- lookups ----

  private void startLookup(LookupState state, Consumer<Lookup.Finished> then) {
    long id = nextLookupId++;
    continuations.put(id, then);
    table.touchTarget(state.target(), clock.millis());
    counters.increment("lookups.started");
    Map<NodeId, Long> slowAfter = slowAfterSnapshot;
    long unknown = settings.lookup().slowAfter().toMillis();
    context.spawn(Lookup.create(id, state, transport, self, settings.rpcTimeout(),
        contact -> slowAfter.getOrDefault(contact, unknown), clock,
        new Lookup.Listener(finishedAdapter, answeredAdapter, failedAdapter)), "lookup-" + id);
  }

  private Behavior<Command> onLookupFinished(LookupFinished message) {
    Lookup.Finished finished = message.finished();
    alpha.record(finished.result());
    latencies.record(Latencies.Kind.LOOKUP, Duration.ofMillis(finished.result().stats().elapsedMillis()));
    counters.increment(finished.result().succeeded() ? "lookups.succeeded" : "lookups.failed");
    Consumer<Lookup.Finished> then = continuations.remove(finished.id());
    if (then != null) {
      then.accept(finished);
    }
    return Behaviors.same();
  }

  private LookupState findNodeState(NodeId target) {
    return lookupState(target, null);
  }

  /**
   * Above this failure signal of recent lookups ({@link AdaptiveAlpha#failureSignal()}) lookups use the strict
   * termination rule (β = k). A β lookup lists heard-of contacts in its result, and it usually finishes before a dead
   * contact's soft timeout could reveal it, so while the network evidently holds dead contacts every contact in the
   * result must answer first. Measured at 1,000 simulated nodes with 30 % dead: accuracy 0.75 without the switch.
   */
  private static final double STRICT_ABOVE_FAILURE_SIGNAL = 0.05;

  /** A lookup from our k closest contacts with the current α; a FindValue when {@code validValue} is given. */
  private LookupState lookupState(NodeId target, Predicate<byte[]> validValue) {
    return new LookupState(target, settings.resultSize(), alpha.current(), table.closest(target, settings.resultSize()),
        self.id(), this::tierOf, validValue, lookupTuning());
  }

  private LookupTuning lookupTuning() {
    LookupTuning tuning = settings.lookup().tuning();
    if (alpha.failureSignal() > STRICT_ABOVE_FAILURE_SIGNAL) {
      tuning = tuning.withResiliency(settings.resultSize());
      counters.increment("lookups.strict");
    }
    return tuning;
  }

  /**
   * A FindNode with the strict rule (β = k): every contact in its result answered, so replicas go to live nodes only,
   * never to dead contacts other tables still name (which the β rule's heard-of tail may list).
   */
  private LookupState replicaTargetsState(NodeId target) {
    return new LookupState(target, settings.resultSize(), alpha.current(), table.closest(target, settings.resultSize()),
        self.id(), this::tierOf, null, lookupTuning().withResiliency(settings.resultSize()));
  }

  /** A FindValue that gathers every valid copy from the k closest (see {@link LookupState#collecting}). */
  private LookupState collectingState(NodeId target, Predicate<byte[]> validValue) {
    return LookupState.collecting(target, settings.resultSize(), alpha.current(),
        table.closest(target, settings.resultSize()), self.id(), this::tierOf, validValue, lookupTuning());
  }

  private Behavior<Command> onFindClosest(FindClosest find) {
    startLookup(findNodeState(find.target()), finished -> {
      if (finished.result().closest().isEmpty() && table.size() == 0) {
        find.replyTo().tell(StatusReply.error("no peers known: bootstrap first"));
      } else {
        find.replyTo().tell(StatusReply.success(finished.result()));
      }
    });
    return Behaviors.same();
  }

  private Behavior<Command> onLocate(Locate locate) {
    Optional<ContactInfo> known = table.find(locate.node());
    if (known.isPresent()) {
      locate.replyTo().tell(StatusReply.success(known.get().contact()));
      return Behaviors.same();
    }
    startLookup(findNodeState(locate.node()), finished -> locate.replyTo().tell(
        finished.result().closest().stream().filter(c -> c.id().equals(locate.node())).findFirst()
            .map(StatusReply::success)
            .orElseGet(() -> StatusReply.error("node " + locate.node().toHex() + " not found in the mesh"))));
    return Behaviors.same();
  }

  // ---- values ----

  private Behavior<Command> onPut(Put put) {
    long now = clock.millis();
    long ttl = settings.store().valueTtl().toMillis();
    if (put.value().length > settings.store().maxValueBytes()) {
      put.replyTo().tell(StatusReply.error("value of " + put.value().length + " bytes exceeds the limit of "
          + settings.store().maxValueBytes()));
      return Behaviors.same();
    }
    Key key = store.putLocal(put.value(), ttl, now);
    replicate(key, put.value(), ttl, false, (lookupMessages, result) -> {
      if (result[0] == 0) {
        counters.increment("store.put_local_only");
      }
      put.replyTo().tell(StatusReply.success(new PutResult(key, result[0], result[1])));
    });
    return Behaviors.same();
  }

  /**
   * Looks up the closest nodes to the key and stores the value at the k closest; reports the lookup's messages and
   * {accepted, attempted}.
   */
  private void replicate(Key key, byte[] value, long ttlMillis, boolean heldCopy,
      java.util.function.BiConsumer<Integer, int[]> then) {
    startLookup(replicaTargetsState(key.toNodeId()), finished -> {
      List<Contact> targets = finished.result().closest();
      targets = targets.subList(0, Math.min(targets.size(), replication.factor()));
      if (heldCopy) {
        long now = clock.millis();
        List<Contact> allowed = targets.stream().filter(t -> replication.mayReplicateTo(t.id(), now)).toList();
        counters.add("replication.deferred", targets.size() - allowed.size());
        targets = allowed;
      }
      int lookupMessages = finished.result().stats().messagesSent();
      storeAt(targets, key, value, ttlMillis, result -> then.accept(lookupMessages, result));
    });
  }

  private void storeAt(List<Contact> targets, Key key, byte[] value, long ttlMillis, Consumer<int[]> then) {
    List<CompletableFuture<Boolean>> sent = new ArrayList<>();
    for (Contact target : targets) {
      sent.add(transport.request(target, new Store(self, key.bytes(), value, ttlMillis), settings.rpcTimeout())
          .handle((reply, failure) -> failure == null && reply.response() instanceof Ack)
          .toCompletableFuture());
    }
    CompletionStage<Void> all = CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    context.pipeToSelf(all, (done, failure) -> new StoresDone(() -> {
      int accepted = (int) sent.stream().filter(f -> f.getNow(false)).count();
      counters.add("store.replicas", accepted);
      then.accept(new int[] {accepted, sent.size()});
    }));
  }

  private Behavior<Command> onGet(Get get) {
    Optional<byte[]> local = store.get(get.key(), clock.millis());
    if (local.isPresent()) {
      get.replyTo().tell(StatusReply.success(local.get()));
      return Behaviors.same();
    }
    findValue(get.key(), value -> Key.forContent(value).equals(get.key()), found -> get.replyTo().tell(
        found.map(StatusReply::success).orElseGet(() -> StatusReply.error("not found"))));
    return Behaviors.same();
  }

  /** Iterative FindValue; a found value is cached at the closest node that did not have it. */
  private void findValue(Key key, Predicate<byte[]> valid, Consumer<Optional<byte[]>> then) {
    startLookup(lookupState(key.toNodeId(), valid), finished -> {
      Optional<byte[]> value = finished.result().found().map(LookupResult.FoundValue::value);
      if (value.isPresent() && finished.result().cacheAt().isPresent()) {
        counters.increment("values.cached_at_closest");
        transport.request(finished.result().cacheAt().get(),
            new Store(self, key.bytes(), value.get(), settings.store().valueTtl().toMillis()), settings.rpcTimeout());
      }
      then.accept(value);
    });
  }

  // ---- endpoint records ----

  private Behavior<Command> onPublishAddress(PublishAddress publish) {
    publish(record -> publish.replyTo().tell(StatusReply.success(record)));
    return Behaviors.same();
  }

  private Behavior<Command> onAddressesChanged(AddressesChanged changed) {
    if (records.addressesChanged(changed.host(), changed.serverReflexive())) {
      publish(record -> { });
    }
    return Behaviors.same();
  }

  private void publish(Consumer<EndpointRecord> then) {
    long now = clock.millis();
    EndpointRecord record = records.signNext(now);
    byte[] bytes = record.toBytes();
    long ttl = records.ttl().toMillis();
    store.storeReplacing(self.id(), record.storageKey().bytes(), bytes, ttl, now);
    startLookup(replicaTargetsState(record.storageKey().toNodeId()), finished -> {
      List<Contact> closest = finished.result().closest();
      List<Contact> targets = new ArrayList<>(closest.subList(0, Math.min(closest.size(), replication.factor())));
      // Our relays keep a copy too: behind a NAT most nodes near our key may be unreachable for us (and a busy relay
      // may answer the lookup too late to be among its result), while every dialer reaches a relay.
      for (Contact relay : records.relayContacts()) {
        if (targets.stream().noneMatch(t -> t.id().equals(relay.id()))) {
          targets.add(relay);
        }
      }
      storeAt(targets, record.storageKey(), bytes, ttl, result -> {
        if (result[0] == 0) {
          counters.increment("records.publish_unstored");
          timers.startSingleTimer(Tick.PUBLISH_RETRY, publishRetry);
          publishRetry = publishRetry.multipliedBy(2).compareTo(settings.maintenanceInterval()) > 0
              ? settings.maintenanceInterval() : publishRetry.multipliedBy(2);
        } else {
          publishRetry = PUBLISH_RETRY;
        }
        then.accept(record);
      });
    });
  }

  /**
   * Collects the record from the closest nodes that hold it and answers with the highest valid sequence: after a
   * partial update some close nodes still hold an older one. Holders of an older copy get the newest.
   */
  private Behavior<Command> onResolve(Resolve resolve) {
    NodeId node = resolve.node();
    Key key = Key.forEndpointRecord(node);
    Predicate<byte[]> valid = records.validator(node, clock);
    startLookup(collectingState(key.toNodeId(), valid), finished -> {
      // Our own copy as of now, not as of the start: a newer record stored here meanwhile makes the older copies the
      // lookup collected replays, and it is then the only valid one (seen in the NAT lab as "copies 2", none valid).
      List<byte[]> copies = new ArrayList<>();
      store.get(key, clock.millis()).ifPresent(copies::add);
      finished.result().values().forEach(v -> copies.add(v.value()));
      Optional<EndpointRecord> newest = records.newest(node, copies, clock.millis());
      newest.ifPresent(record -> refreshOutdated(record, finished.result().values()));
      resolve.replyTo().tell(newest.map(StatusReply::success)
          .orElseGet(() -> StatusReply.error("no valid endpoint record for " + node.toHex() + " (asked "
              + finished.result().stats().messagesSent() + ", answered " + finished.result().stats().answered()
              + ", invalid or failed " + finished.result().stats().failedRpcs() + ", copies " + copies.size() + ")")));
    });
    return Behaviors.same();
  }

  /** Stores {@code newest} at the holders that returned an older copy (read repair). */
  private void refreshOutdated(EndpointRecord newest, List<LookupResult.FoundValue> copies) {
    byte[] bytes = newest.toBytes();
    List<Contact> outdated = copies.stream().filter(c -> !java.util.Arrays.equals(c.value(), bytes))
        .map(LookupResult.FoundValue::from).toList();
    if (!outdated.isEmpty()) {
      counters.add("records.read_repaired", outdated.size());
      long ttl = Math.max(1, newest.expiresAt() - clock.millis());
      storeAt(outdated, newest.storageKey(), bytes, ttl, result -> { });
    }
  }

  // ---- status ----

  private Behavior<Command> onGetPeers(GetPeers get) {
    List<PeerInfo> peers = new ArrayList<>();
    for (Contact c : table.contacts()) {
      peers.add(new PeerInfo(c, tiers.tierOf(c.id()), tiers.rttOf(c.id())));
    }
    peers.sort((a, b) -> self.id().compareDistance(a.contact().id(), b.contact().id()));
    get.replyTo().tell(peers);
    return Behaviors.same();
  }

  private Behavior<Command> onGetKnownContacts(GetKnownContacts get) {
    List<KnownContact> known = new ArrayList<>();
    for (Contact c : table.contacts()) {
      table.find(c.id()).ifPresent(info ->
          known.add(new KnownContact(c, info.lastSeenMillis(), tiers.rttOf(c.id()))));
    }
    get.replyTo().tell(known);
    return Behaviors.same();
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    long now = clock.millis();
    Map<String, Long> all = new java.util.TreeMap<>(counters.snapshot());
    store.rejections().forEach((reason, count) -> all.put("store.rejected." + reason, count));
    get.replyTo().tell(new DhtStatus(table.size(), table.currentK(), alpha.current(), table.churnPerMinute(now),
        alpha.failureSignal(), tiers.model().centersMillis(), store.size(), store.storedBytes(), bootstrap.describe(),
        all));
    return Behaviors.same();
  }
}
