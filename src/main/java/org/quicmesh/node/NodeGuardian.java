package org.quicmesh.node;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.connect.ConnectSettings;
import org.quicmesh.connect.ConnectionManager;
import org.quicmesh.nat.relay.RelayAdvertiseSettings;
import org.quicmesh.nat.relay.RelayClient;
import org.quicmesh.nat.relay.RelayDiscoverySettings;
import org.quicmesh.wire.RelayEntry;
import org.quicmesh.nat.relay.RelayServer;
import org.quicmesh.nat.relay.RelaySettings;
import org.quicmesh.wire.AppRequest;
import org.quicmesh.wire.HolePunchStart;
import org.quicmesh.wire.RelayClose;
import org.quicmesh.wire.RelayConnect;
import org.quicmesh.wire.RelayIncoming;
import org.quicmesh.wire.RelayReserve;
import org.quicmesh.wire.Rejected;
import org.quicmesh.actor.Counters;
import org.quicmesh.actor.FailureInjection;
import org.quicmesh.actor.Latencies;
import org.quicmesh.actor.Failures;
import org.quicmesh.actor.Replies;
import org.quicmesh.dht.Dht;
import org.quicmesh.dht.DhtSettings;
import org.quicmesh.dht.DhtStatus;
import org.quicmesh.dht.KnownContact;
import org.quicmesh.dht.StoredValues;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.RelayService;
import org.quicmesh.nat.DialBackSettings;
import org.quicmesh.nat.HostAddresses;
import org.quicmesh.nat.SentTo;
import org.quicmesh.nat.NatDetector;
import org.quicmesh.nat.NatSettings;
import org.quicmesh.nat.NatTelemetry;
import org.quicmesh.nat.StunServer;
import org.quicmesh.nat.stun.StunServerAddresses;
import org.quicmesh.pubsub.GossipRouter;
import org.quicmesh.pubsub.PubSubSettings;
import org.quicmesh.pubsub.PubSubStatus;
import org.quicmesh.pubsub.ReceivedMessage;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.DhtRequest;
import org.quicmesh.wire.DialBack;
import org.quicmesh.wire.DialBackRelay;
import org.quicmesh.wire.NatRequest;
import org.quicmesh.wire.RequestRoutes;
import org.quicmesh.wire.Response;

/**
 * Root of one node's actor tree: owns the transport's lifecycle, supervises the protocol actors (restarting a child,
 * never the node), routes inbound requests by protocol family and the public {@link MeshNode.Command}s to them.
 */
final class NodeGuardian {

  /** Everything the guardian receives: the public commands plus its own internal messages. */
  sealed interface Message permits MeshNode.Command, Internal, InjectFailure, SubscriberDropped {}

  /**
   * From the facade's stream subscribers, not part of the public protocol: a local subscriber's buffer was full and
   * one message of {@code topic} was dropped for it (counted in telemetry).
   */
  record SubscriberDropped(String topic) implements Message {}

  private sealed interface Internal extends Message {}

  private record Started(List<InetSocketAddress> addresses) implements Internal {}

  private record StartFailed(Throwable cause) implements Internal {}

  private record Located(StatusReply<Contact> contact, ActorRef<StatusReply<Pong>> replyTo) implements Internal {}

  /** Status is gathered in three asks; each step carries what the earlier ones returned. */
  private record StatusStep(Endpoint.Snapshot endpoint, List<PeerInfo> peers, DhtStatus dht, PubSubStatus pubsub,
      NatDetector.NatStatus nat, Map<String, Long> connect, Throwable failure,
      ActorRef<StatusReply<NodeStatus>> replyTo) implements Internal {}

  private record ShutdownDone(List<ActorRef<Done>> replyTo) implements Internal {}

  /** Timer: time to take a fresh telemetry snapshot for the meters. */
  private enum RefreshMeters implements Internal { INSTANCE }

  /** The state dir's contact cache was read (off the actor's thread). */
  private record CacheLoaded(ContactCache.Loaded loaded, Throwable failure) implements Internal {}

  /** Timer: time to rewrite the contact cache. */
  private enum SaveContacts implements Internal { INSTANCE }

  /** The routing table's contacts to write into the cache ({@code null}: the DHT did not answer in time). */
  private record ContactsToSave(List<KnownContact> contacts) implements Internal {}

  /** A cache write ended ({@code failure} null when it succeeded). */
  private record ContactsSaved(int count, Throwable failure) implements Internal {}

  /** At shutdown: pub/sub told its peers we leave (or did not answer in time); the state dir is flushed next. */
  private enum LeftMeshes implements Internal { INSTANCE }

  /** At shutdown: the contacts for the last cache write ({@code null}: the DHT did not answer in time). */
  private record FinalContacts(List<KnownContact> contacts) implements Internal {}

  /** At shutdown: the last cache write ended or was skipped; the values are written next. */
  private record StateFlushed(Throwable failure) implements Internal {}

  /** The state dir's values were read (off the actor's thread). */
  private record ValuesLoaded(ValueCache.Loaded loaded, Throwable failure) implements Internal {}

  /** What the value store holds, to write ({@code null}: the DHT did not answer in time); {@code last}: at shutdown. */
  private record ValuesToSave(StoredValues values, boolean last) implements Internal {}

  /** A values write ended ({@code failure} null when it succeeded); {@code last}: at shutdown. */
  private record ValuesSaved(Throwable failure, boolean last) implements Internal {}

  /** The snapshot the meters asked for (or why there is none this time). */
  private record MetersRefreshed(StatusReply<NodeStatus> status) implements Internal {}

  /** A child's behavior was set up: its first start, or a restart after a failure (then it is re-seeded). */
  private record ChildStarted(Child child) implements Internal {}

  /** Our relay server's advertisement is due: into the endpoint record (and kept to re-seed a restarted Dht). */
  private record RelayAdvertised(RelayService service) implements Internal {}

  /** A child stopped: it failed more often than its supervisor allows, so the node fails loudly. */
  private record ChildStopped(Child child) implements Internal {}

  /** A local subscriber stopped: forgotten, so a restarted router does not re-subscribe it. */
  private record SubscriberGone(ActorRef<ReceivedMessage> subscriber) implements Internal {}

  /**
   * Test-only: makes {@code child} (or, for {@link Child#PUBSUB} with a {@code topic}, that topic's actor) throw inside
   * its own message processing. Not a {@link MeshNode.Command}: tests reach it through an upcast node ref.
   */
  record InjectFailure(Child child, String topic) implements Message {}

  /** The guardian's children, by the name they are spawned under. */
  enum Child {
    DHT("dht"), ENDPOINT("endpoint"), PUBSUB("pubsub"), NAT("nat"), CONNECT("connect"), RELAY("relay"),
    RELAY_CLIENT("relay-client");

    final String actorName;

    Child(String actorName) {
      this.actorName = actorName;
    }
  }

  private static final int STASH_CAPACITY = 10_000;
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
  /** How long a stopping node waits for each step of its leave (pub/sub's goodbyes, the routing table). */
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);
  /**
   * A child failing more often than this within {@link #RESTART_WINDOW} has a failure that restarting does not cure
   * (a poisoned state it re-seeds, a broken environment): the node then fails loudly instead of looping.
   */
  private static final int MAX_RESTARTS = 10;
  private static final Duration RESTART_WINDOW = Duration.ofMinutes(1);
  /** Addresses remembered as sent to (beyond it, older ones are swept; see {@link SentTo}). */
  private static final int SENT_TO_CAPACITY = 16_384;

  private final ActorContext<Message> context;
  private final MeshConfig config;
  private final Keypair keypair;
  private final NodeEnvironment environment;
  private final Transport transport;
  /** Where the node sent lately (fed by the transport): dial-backs from there prove nothing. */
  private final SentTo sentTo;
  private final DialBackSettings dialBackSettings;
  private final Instant startedAt;
  private final TimerScheduler<Message> timers;
  private final Optional<MeterRegistry> registry;
  /** The node's meters, once it is listening and when an embedder gave a registry. */
  private Optional<NodeMeters> meters = Optional.empty();
  /** The state dir's contact cache, when the node has a state dir. */
  private final Optional<ContactCache> cache;
  /** The state dir's copy of the value store, when the node has a state dir and keeps values. */
  private final Optional<ValueCache> values;
  /** The guardian's own events (state dir), shown with the endpoint's in telemetry. */
  private final Counters counters = new Counters();
  private List<InetSocketAddress> listen = List.of();
  /** The listen addresses with a wildcard expanded to this host's interface addresses: what peers can be told. */
  private List<InetSocketAddress> hostAddresses = List.of();
  // Read by the transport's threads in the inbound handler.
  private volatile ActorRef<Endpoint.Command> endpoint;
  private volatile ActorRef<Dht.Command> dht;
  private volatile ActorRef<GossipRouter.Command> gossip;
  private volatile ActorRef<ConnectionManager.Command> connections;
  /** Present on a node started with --relay. */
  private volatile ActorRef<RelayServer.Command> relay;
  // Read by the endpoint's callback, on the endpoint's thread.
  private volatile ActorRef<NatDetector.Command> nat;
  /** Every node answers STUN on its own port; stateless, so it lives beside the actors, not under them. */
  private StunServer stun;
  /** The children as spawned, also accepting {@link FailureInjection.Fail} (test-only). */
  private final Map<Child, ActorRef<Object>> children = new EnumMap<>(Child.class);
  private final Map<Child, Integer> starts = new EnumMap<>(Child.class);
  /**
   * Local subscriptions by topic. The router's topics hold them too, but they die with the router: these re-seed a
   * restarted router, so no subscriber's stream silently stops.
   */
  private final Map<String, Set<ActorRef<ReceivedMessage>>> subscriptions = new HashMap<>();
  private final Set<ActorRef<ReceivedMessage>> watchedSubscribers = new HashSet<>();
  /** What our relay server advertised last: a restarted Dht has forgotten it. */
  private Optional<RelayService> relayAdvertised = Optional.empty();

  static Behavior<MeshNode.Command> create(MeshConfig config, Keypair keypair, TransportFactory transports,
      NodeEnvironment environment, Optional<MeterRegistry> registry) {
    Behavior<Message> behavior = Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        Behaviors.withStash(STASH_CAPACITY, stash ->
            new NodeGuardian(ctx, timers, config, keypair, transports, environment, registry).starting(stash))));
    return behavior.narrow();
  }

  private NodeGuardian(ActorContext<Message> context, TimerScheduler<Message> timers, MeshConfig config,
      Keypair keypair, TransportFactory transports, NodeEnvironment environment, Optional<MeterRegistry> registry) {
    this.context = context;
    this.timers = timers;
    this.registry = registry;
    this.cache = config.stateDir().map(ContactCache::new);
    this.values = config.stateDir().filter(dir -> config.stateValues()).map(ValueCache::new);
    this.config = config;
    this.keypair = keypair;
    this.environment = environment;
    this.startedAt = environment.clock().instant();
    this.dialBackSettings = DialBackSettings.fromConfig(config.raw().getConfig("nat.dial-back"));
    this.sentTo = new SentTo(environment.clock(), dialBackSettings.memory(), SENT_TO_CAPACITY);
    this.transport = new SentToRecordingTransport(transports.create(context.getSystem(), keypair, config), sentTo);
  }

  private Behavior<Message> starting(StashBuffer<Message> stash) {
    context.pipeToSelf(transport.start(inboundHandler()), (addresses, failure) ->
        failure != null ? new StartFailed(failure) : new Started(addresses));
    return Behaviors.receive(Message.class)
        .onMessage(Started.class, started -> {
          listen = List.copyOf(started.addresses());
          try {
            stun = startStunServer(listen.get(0));
          } catch (IllegalArgumentException misconfigured) {
            String reason = "node failed to start: " + misconfigured.getMessage();
            context.getLog().error(reason);
            transport.shutdown();
            return stash.unstashAll(failing(reason));
          }
          hostAddresses = HostAddresses.expand(listen);
          meters = registry.map(r -> new NodeMeters(r, keypair.nodeId()));
          spawnChildren(Contact.of(keypair.nodeId(), HostAddresses.preferred(hostAddresses)));
          context.getLog().debug("node {} listening on {}", keypair.nodeId().toHex(), listen);
          if (cache.isPresent()) {
            // The bootstrap waits for the cached contacts: they are seeds too.
            ContactCache contacts = cache.get();
            context.pipeToSelf(CompletableFuture.supplyAsync(contacts::load, blockingIo()),
                (loaded, failure) -> new CacheLoaded(loaded, failure));
            values.ifPresent(held -> context.pipeToSelf(CompletableFuture.supplyAsync(held::load, blockingIo()),
                ValuesLoaded::new));
            timers.startTimerWithFixedDelay(SaveContacts.INSTANCE, config.stateSaveInterval());
          } else {
            dht.tell(new Dht.Bootstrap(config.bootstrap()));
          }
          if (meters.isPresent()) {
            timers.startTimerWithFixedDelay(RefreshMeters.INSTANCE, config.metricsRefreshInterval());
            context.getSelf().tell(RefreshMeters.INSTANCE);
          }
          return stash.unstashAll(running());
        })
        .onMessage(StartFailed.class, failed -> {
          String reason = "node failed to start: " + Failures.message(failed.cause());
          context.getLog().error(reason);
          return stash.unstashAll(failing(reason));
        })
        .onMessage(MeshNode.Command.class, command -> {
          stash.stash(command);
          return Behaviors.same();
        })
        .build();
  }

  /** A plain STUN server on the node's port, or an RFC 5780 one when the config names a second IP. */
  private StunServer startStunServer(InetSocketAddress primary) {
    return config.stunAlternateIp()
        .map(ip -> StunServer.installWithAlternates(transport.datagrams(),
            StunServerAddresses.rfc5780(primary, ip, primary.getPort() + config.stunAlternatePortOffset())))
        .orElseGet(() -> StunServer.install(transport.datagrams(), StunServerAddresses.single(primary)));
  }

  /**
   * Spawns the protocol actors. Each restarts after a failure and is re-seeded from what survives (docs/architecture.md,
   * "Supervision"): the Dht from its own routing-table contacts and seeds (its PreRestart hook), the router from
   * {@link #subscriptions}; the endpoint needs nothing. Too many failures stop the child and fail the node.
   */
  private void spawnChildren(Contact self) {
    DhtSettings dhtSettings = DhtSettings.fromConfig(config.raw().getConfig("dht"), config.requestTimeout());
    Latencies latencies = meters.<Latencies>map(m -> m).orElse(Latencies.NONE);
    dht = spawnSupervised(Child.DHT, Dht.create(dhtSettings, transport, keypair, self, environment.clock(),
        environment.random(), latencies)).narrow();
    endpoint = spawnSupervised(Child.ENDPOINT,
        Endpoint.create(transport, self, hostAddresses, config.requestTimeout(), dht, address -> {
          ActorRef<NatDetector.Command> detector = nat; // spawned right after the endpoint
          if (detector != null) {
            detector.tell(new NatDetector.PeerObserved(address));
          }
          ActorRef<ConnectionManager.Command> manager = connections;
          if (manager != null) {
            manager.tell(new ConnectionManager.Observed(List.of(address)));
          }
        })).narrow();
    gossip = spawnSupervised(Child.PUBSUB,
        GossipRouter.create(PubSubSettings.fromConfig(config.raw().getConfig("pubsub")), transport, keypair, self,
            dht, environment.clock(), new java.util.Random(environment.random().nextLong()))).narrow();
    NatSettings natSettings = NatSettings.fromConfig(config.raw().getConfig("nat"));
    ActorRef<Endpoint.Command> endpointRef = endpoint;
    nat = spawnSupervised(Child.NAT, NatDetector.create(transport.datagrams(), hostAddresses, natSettings,
        environment.clock(), new java.util.Random(environment.random().nextLong()),
        java.util.Optional.of(new NatDetector.Mesh(dht, transport, self, config.requestTimeout(), sentTo,
            dialBackSettings)),
        mapped -> {
          endpointRef.tell(new Endpoint.Mapped(mapped));
          ActorRef<ConnectionManager.Command> manager = connections;
          if (manager != null) {
            manager.tell(new ConnectionManager.Observed(mapped));
          }
        })).narrow();
    connections = spawnSupervised(Child.CONNECT, ConnectionManager.create(transport, self, hostAddresses, dht,
        ConnectSettings.fromConfig(config.raw().getConfig("connect")), config.requestTimeout(), environment.clock(),
        environment.random())).narrow();
    RelaySettings relaySettings = RelaySettings.fromConfig(config.raw().getConfig("nat.relay"));
    if (relaySettings.enabled()) {
      ActorRef<Message> guardian = context.getSelf();
      relay = spawnSupervised(Child.RELAY, RelayServer.create(transport, self, relaySettings,
          RelayAdvertiseSettings.fromConfig(config.raw().getConfig("nat.relay.advertise")), environment.clock(),
          environment.random(), config.requestTimeout(), service -> guardian.tell(new RelayAdvertised(service))))
          .narrow();
    }
    List<InetSocketAddress> relayServers = config.relayServers();
    RelayDiscoverySettings discovery =
        RelayDiscoverySettings.fromConfig(config.raw().getConfig("nat.relay.discovery"));
    // A relay needs none; a node with configured relays reserves with them whatever its NAT, as before; one without
    // looks for relays in the mesh, and only once its NAT verdict says it needs one (the client checks).
    if ((!relayServers.isEmpty() || discovery.enabled()) && !relaySettings.enabled()) {
      ActorRef<Dht.Command> dhtRef = dht;
      ActorRef<ConnectionManager.Command> manager = connections;
      spawnSupervised(Child.RELAY_CLIENT, RelayClient.create(transport, self, relayServers,
          config.raw().getInt("nat.relay.keep"), config.raw().getDuration("nat.relay.renew-every"),
          config.requestTimeout(), Optional.of(new RelayClient.Mesh(dht, nat, discovery, environment.clock())),
          held -> {
            manager.tell(new ConnectionManager.RelaysHeld(held));
            dhtRef.tell(new Dht.RelaysChanged(held.stream().map(RelayEntry::format).toList()));
          }, seen -> {
            // Where a relay sees us is a server-reflexive candidate, as a STUN observer's answer is.
            endpointRef.tell(new Endpoint.Mapped(List.of(seen)));
            manager.tell(new ConnectionManager.Observed(List.of(seen)));
          }));
    }
  }

  private <T> ActorRef<Object> spawnSupervised(Child child, Behavior<T> behavior) {
    ActorRef<Message> guardian = context.getSelf();
    // Inside the supervisor, so the setup runs again on every restart and tells the guardian to re-seed.
    Behavior<Object> announced = Behaviors.setup(ctx -> {
      guardian.tell(new ChildStarted(child));
      return FailureInjection.injectable(behavior);
    });
    ActorRef<Object> ref = context.spawn(Behaviors.supervise(announced)
        .onFailure(SupervisorStrategy.restart().withLimit(MAX_RESTARTS, RESTART_WINDOW)), child.actorName);
    context.watchWith(ref, new ChildStopped(child));
    children.put(child, ref);
    return ref;
  }

  private Behavior<Message> onChildStarted(ChildStarted started) {
    int count = starts.merge(started.child(), 1, Integer::sum);
    if (count == 1) {
      return Behaviors.same();
    }
    context.getLog().warn("node {}: the {} actor restarted after a failure (restart {}); re-seeding it",
        keypair.nodeId().toHex(), started.child().actorName, count - 1);
    if (started.child() == Child.DHT) {
      relayAdvertised.ifPresent(service -> dht.tell(new Dht.RelayServiceChanged(service)));
    }
    if (started.child() == Child.PUBSUB) {
      subscriptions.forEach((topic, subscribers) ->
          subscribers.forEach(s -> gossip.tell(new GossipRouter.SubscribeTopic(topic, s))));
    }
    return Behaviors.same();
  }

  private Behavior<Message> onChildStopped(ChildStopped stopped) {
    String reason = "node failed: its " + stopped.child().actorName + " actor failed more than " + MAX_RESTARTS
        + " times within " + RESTART_WINDOW.toSeconds() + " s";
    context.getLog().error("node {}: {}; stopping its actors and closing the transport", keypair.nodeId().toHex(),
        reason);
    children.values().forEach(context::stop);
    transport.shutdown();
    return failing(reason);
  }

  private Behavior<Message> onSubscribe(MeshNode.Subscribe subscribe) {
    subscriptions.computeIfAbsent(subscribe.topic(), t -> new HashSet<>()).add(subscribe.subscriber());
    if (watchedSubscribers.add(subscribe.subscriber())) {
      context.watchWith(subscribe.subscriber(), new SubscriberGone(subscribe.subscriber()));
    }
    return toGossip(new GossipRouter.SubscribeTopic(subscribe.topic(), subscribe.subscriber()));
  }

  private Behavior<Message> onUnsubscribe(MeshNode.Unsubscribe unsubscribe) {
    Set<ActorRef<ReceivedMessage>> subscribers = subscriptions.get(unsubscribe.topic());
    if (subscribers != null && subscribers.remove(unsubscribe.subscriber()) && subscribers.isEmpty()) {
      subscriptions.remove(unsubscribe.topic());
    }
    return toGossip(new GossipRouter.UnsubscribeTopic(unsubscribe.topic(), unsubscribe.subscriber()));
  }

  private Behavior<Message> onSubscriberGone(SubscriberGone gone) {
    watchedSubscribers.remove(gone.subscriber());
    subscriptions.values().forEach(subscribers -> subscribers.remove(gone.subscriber()));
    subscriptions.values().removeIf(Set::isEmpty);
    return Behaviors.same();
  }

  private Behavior<Message> onInjectFailure(InjectFailure inject) {
    String reason = "test asked " + inject.child().actorName + (inject.topic() == null ? "" : "/" + inject.topic());
    if (inject.topic() != null) {
      gossip.tell(new GossipRouter.FailTopic(inject.topic(), reason));
    } else {
      children.get(inject.child()).tell(new FailureInjection.Fail(reason));
    }
    return Behaviors.same();
  }

  private Behavior<Message> running() {
    return Behaviors.receive(Message.class)
        .onMessage(MeshNode.Ping.class, this::onPing)
        .onMessage(Located.class, this::onLocated)
        .onMessage(MeshNode.GetStatus.class, this::onGetStatus)
        .onMessage(StatusStep.class, this::onStatusStep)
        .onMessage(MeshNode.FindNode.class, m -> forward(new Dht.FindClosest(m.target(), m.replyTo())))
        .onMessage(MeshNode.Put.class, m -> forward(new Dht.Put(m.value(), m.replyTo())))
        .onMessage(MeshNode.Get.class, m -> forward(new Dht.Get(m.key(), m.replyTo())))
        .onMessage(MeshNode.HoldsValue.class, m -> forward(new Dht.Holds(m.key(), m.replyTo())))
        .onMessage(MeshNode.PublishAddress.class, m -> forward(new Dht.PublishAddress(m.replyTo())))
        .onMessage(MeshNode.Resolve.class, m -> forward(new Dht.Resolve(m.node(), m.replyTo())))
        .onMessage(MeshNode.Nat.class, m -> {
          nat.tell(new NatDetector.Detect(m.rerun(), m.replyTo()));
          return Behaviors.same();
        })
        .onMessage(MeshNode.Subscribe.class, this::onSubscribe)
        .onMessage(MeshNode.Unsubscribe.class, this::onUnsubscribe)
        .onMessage(MeshNode.Publish.class,
            m -> toGossip(new GossipRouter.PublishMessage(m.topic(), m.data(), m.replyTo())))
        .onMessage(MeshNode.WhenTopicReady.class, m -> toGossip(new GossipRouter.WhenReady(m.topic(), m.replyTo())))
        .onMessage(SubscriberDropped.class, m -> toGossip(new GossipRouter.SubscriberDropped(m.topic())))
        .onMessage(MeshNode.Connect.class, m -> toConnections(new ConnectionManager.Connect(m.peer(), m.replyTo())))
        .onMessage(MeshNode.SendData.class,
            m -> toConnections(new ConnectionManager.Send(m.peer(), m.data(), m.replyTo())))
        .onMessage(MeshNode.GetConnections.class, m -> toConnections(new ConnectionManager.GetConnections(m.replyTo())))
        .onMessage(MeshNode.WatchConnections.class, m -> toConnections(new ConnectionManager.Watch(m.watcher())))
        .onMessage(MeshNode.Stop.class, stop -> stopping(stop.replyTo()))
        .onMessage(ChildStarted.class, this::onChildStarted)
        .onMessage(RelayAdvertised.class, advertised -> {
          relayAdvertised = Optional.of(advertised.service());
          dht.tell(new Dht.RelayServiceChanged(advertised.service()));
          return Behaviors.same();
        })
        .onMessage(ChildStopped.class, this::onChildStopped)
        .onMessage(SubscriberGone.class, this::onSubscriberGone)
        .onMessage(InjectFailure.class, this::onInjectFailure)
        .onMessage(CacheLoaded.class, this::onCacheLoaded)
        .onMessage(SaveContacts.class, this::onSaveContacts)
        .onMessage(ContactsToSave.class, this::onContactsToSave)
        .onMessage(ContactsSaved.class, this::onContactsSaved)
        .onMessage(ValuesLoaded.class, this::onValuesLoaded)
        .onMessage(ValuesToSave.class, this::onValuesToSave)
        .onMessage(ValuesSaved.class, this::onValuesSaved)
        .onMessage(RefreshMeters.class, this::onRefreshMeters)
        .onMessage(MetersRefreshed.class, this::onMetersRefreshed)
        .onSignal(PostStop.class, signal -> {
          meters.ifPresent(NodeMeters::close);
          stun.close();
          transport.shutdown();
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Message> forward(Dht.Command command) {
    dht.tell(command);
    return Behaviors.same();
  }

  private Behavior<Message> toConnections(ConnectionManager.Command command) {
    connections.tell(command);
    return Behaviors.same();
  }

  private Behavior<Message> toGossip(GossipRouter.Command command) {
    gossip.tell(command);
    return Behaviors.same();
  }

  private Behavior<Message> onPing(MeshNode.Ping ping) {
    if (ping.target() instanceof PeerTarget.ByAddress byAddress) {
      endpoint.tell(new Endpoint.PingAddress(byAddress.address(), ping.replyTo()));
    } else {
      NodeId node = ((PeerTarget.ByNode) ping.target()).node();
      ActorRef<StatusReply<Contact>> located = Replies.once(context, config.requestTimeout().multipliedBy(6),
          reply -> new Located(reply, ping.replyTo()),
          () -> new Located(StatusReply.error("could not locate " + node.toHex() + ": timed out"), ping.replyTo()));
      dht.tell(new Dht.Locate(node, located));
    }
    return Behaviors.same();
  }

  private Behavior<Message> onLocated(Located located) {
    if (located.contact().isError()) {
      located.replyTo().tell(StatusReply.error(located.contact().getError()));
    } else {
      endpoint.tell(new Endpoint.PingContact(located.contact().getValue(), located.replyTo()));
    }
    return Behaviors.same();
  }

  /** Answers every command with the start-up error, then stops. */
  private Behavior<Message> failing(String reason) {
    return Behaviors.receive(Message.class)
        .onMessage(MeshNode.Stop.class, stop -> {
          stop.replyTo().tell(Done.getInstance());
          return Behaviors.stopped();
        })
        .onMessage(MeshNode.Command.class, command -> {
          replyError(command, reason);
          return Behaviors.same();
        })
        .onMessage(Message.class, ignored -> Behaviors.same())
        .build();
  }

  private static void replyError(MeshNode.Command command, String reason) {
    if (command instanceof MeshNode.WithStatusReply<?> asking) {
      failWith(asking, reason);
    }
  }

  private static <T> void failWith(MeshNode.WithStatusReply<T> asking, String reason) {
    asking.replyTo().tell(StatusReply.error(reason));
  }


  /**
   * A clean leave, each step bounded: pub/sub prunes us from its peers' meshes (they repair at once instead of after
   * a timeout), the contact cache is flushed, the transport closes its connections, the node stops.
   */
  private Behavior<Message> stopping(ActorRef<Done> firstReplyTo) {
    List<ActorRef<Done>> waiting = new ArrayList<>(List.of(firstReplyTo));
    timers.cancelAll();
    gossip.tell(new GossipRouter.Leave(Replies.once(context, FLUSH_TIMEOUT, done -> LeftMeshes.INSTANCE,
        () -> LeftMeshes.INSTANCE)));
    return Behaviors.receive(Message.class)
        .onMessage(MeshNode.Stop.class, stop -> {
          waiting.add(stop.replyTo());
          return Behaviors.same();
        })
        .onMessage(LeftMeshes.class, left -> {
          if (cache.isPresent()) {
            dht.tell(new Dht.GetKnownContacts(Replies.once(context, FLUSH_TIMEOUT, FinalContacts::new,
                () -> new FinalContacts(null))));
          } else {
            context.getSelf().tell(new StateFlushed(null));
          }
          return Behaviors.same();
        })
        .onMessage(FinalContacts.class, last -> {
          saveContacts(last.contacts(), StateFlushed::new);
          return Behaviors.same();
        })
        .onMessage(StateFlushed.class, flushed -> {
          if (flushed.failure() != null) {
            context.getLog().warn("node {}: contact cache not flushed at shutdown: {}", keypair.nodeId().toHex(),
                Failures.message(flushed.failure()));
          }
          if (values.isPresent()) {
            askStoredValues(FLUSH_TIMEOUT, true);
          } else {
            context.getSelf().tell(new ValuesSaved(null, true));
          }
          return Behaviors.same();
        })
        // A periodic save still under way is left to finish unnoticed: only the last one holds up the shutdown.
        .onMessage(ValuesToSave.class, ValuesToSave::last, this::onValuesToSave)
        .onMessage(ValuesSaved.class, ValuesSaved::last, saved -> {
          if (saved.failure() != null) {
            context.getLog().warn("node {}: values not flushed at shutdown: {}", keypair.nodeId().toHex(),
                Failures.message(saved.failure()));
          }
          context.pipeToSelf(transport.shutdown(), (done, failure) -> new ShutdownDone(waiting));
          return Behaviors.same();
        })
        .onMessage(ShutdownDone.class, done -> {
          meters.ifPresent(NodeMeters::close);
          done.replyTo().forEach(ref -> ref.tell(Done.getInstance()));
          return Behaviors.stopped();
        })
        .onMessage(MeshNode.Command.class, command -> {
          replyError(command, "node is shutting down");
          return Behaviors.same();
        })
        .onMessage(Message.class, ignored -> Behaviors.same())
        .build();
  }

  private Behavior<Message> onCacheLoaded(CacheLoaded cacheLoaded) {
    List<InetSocketAddress> seeds = new ArrayList<>(config.bootstrap());
    if (cacheLoaded.failure() != null) {
      counters.increment("state.cache_unreadable");
      context.getLog().warn("node {}: contact cache unreadable, joining through the configured seeds only: {}",
          keypair.nodeId().toHex(), Failures.message(cacheLoaded.failure()));
    } else {
      ContactCache.Loaded loaded = cacheLoaded.loaded();
      loaded.problem().ifPresent(problem -> {
        counters.increment("state.cache_corrupt");
        context.getLog().warn("node {}: {}", keypair.nodeId().toHex(), problem);
      });
      counters.add("state.contacts_loaded", loaded.contacts().size());
      ContactCache.seeds(loaded.contacts(), config.stateMaxSeeds()).stream()
          .filter(seed -> !seeds.contains(seed) && !listen.contains(seed))
          .forEach(seeds::add);
    }
    dht.tell(new Dht.Bootstrap(seeds));
    return Behaviors.same();
  }

  private Behavior<Message> onSaveContacts(SaveContacts save) {
    dht.tell(new Dht.GetKnownContacts(Replies.once(context, ASK_TIMEOUT, ContactsToSave::new,
        () -> new ContactsToSave(null))));
    if (values.isPresent()) {
      askStoredValues(ASK_TIMEOUT, false);
    }
    return Behaviors.same();
  }

  private void askStoredValues(Duration timeout, boolean last) {
    dht.tell(new Dht.GetStoredValues(Replies.once(context, timeout, held -> new ValuesToSave(held, last),
        () -> new ValuesToSave(null, last))));
  }

  private Behavior<Message> onValuesLoaded(ValuesLoaded loaded) {
    if (loaded.failure() != null) {
      counters.increment("state.values_unreadable");
      context.getLog().warn("node {}: saved values unreadable, starting without them: {}", keypair.nodeId().toHex(),
          Failures.message(loaded.failure()));
      return Behaviors.same();
    }
    loaded.loaded().problem().ifPresent(problem -> {
      counters.increment("state.values_corrupt");
      context.getLog().warn("node {}: {}", keypair.nodeId().toHex(), problem);
    });
    dht.tell(new Dht.RestoreValues(loaded.loaded().values()));
    return Behaviors.same();
  }

  private Behavior<Message> onValuesToSave(ValuesToSave toSave) {
    if (toSave.values() == null) {
      context.getSelf().tell(new ValuesSaved(new java.util.concurrent.TimeoutException("the DHT did not list its "
          + "values in time"), toSave.last()));
      return Behaviors.same();
    }
    ValueCache target = values.orElseThrow();
    long now = environment.clock().millis();
    writeState(() -> target.save(toSave.values(), now), failure -> new ValuesSaved(failure, toSave.last()));
    return Behaviors.same();
  }

  private Behavior<Message> onValuesSaved(ValuesSaved saved) {
    return countSave(saved.failure(), "state.values_saves", "state.values_save_failed", "the values");
  }

  private Behavior<Message> onContactsToSave(ContactsToSave toSave) {
    saveContacts(toSave.contacts(), failure -> new ContactsSaved(
        toSave.contacts() == null ? 0 : toSave.contacts().size(), failure));
    return Behaviors.same();
  }

  /**
   * Writes the cache off the actor's thread and reports with {@code done}. An empty table is not written: a node that
   * lost every contact (or never joined) keeps the older cache, its best chance to rejoin after a restart.
   */
  private void saveContacts(List<KnownContact> contacts, java.util.function.Function<Throwable, Message> done) {
    if (contacts == null) {
      context.getSelf().tell(done.apply(new java.util.concurrent.TimeoutException("the DHT did not list its "
          + "contacts in time")));
      return;
    }
    if (contacts.isEmpty()) {
      context.getSelf().tell(done.apply(null));
      return;
    }
    ContactCache target = cache.orElseThrow();
    long now = environment.clock().millis();
    writeState(() -> target.save(contacts, now), done);
  }

  /** A write into the state dir (plain file I/O). */
  @FunctionalInterface
  private interface StateWrite {
    void run() throws java.io.IOException;
  }

  /** Runs {@code write} off the actor's thread and reports with {@code done} (its failure, or null). */
  private void writeState(StateWrite write, java.util.function.Function<Throwable, Message> done) {
    context.pipeToSelf(CompletableFuture.runAsync(() -> {
      try {
        write.run();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, blockingIo()), (ignored, failure) -> done.apply(failure));
  }

  private Behavior<Message> onContactsSaved(ContactsSaved saved) {
    return countSave(saved.failure(), "state.saves", "state.save_failed", "the contact cache");
  }

  /** A periodic state-dir write ended: counted either way, a failure also logged (the node carries on). */
  private Behavior<Message> countSave(Throwable failure, String saves, String failed, String what) {
    if (failure == null) {
      counters.increment(saves);
    } else {
      counters.increment(failed);
      context.getLog().warn("node {}: could not write {}: {}", keypair.nodeId().toHex(), what,
          Failures.message(failure));
    }
    return Behaviors.same();
  }

  /** File I/O runs on Pekko's dispatcher for blocking work, never on an actor's thread. */
  private java.util.concurrent.Executor blockingIo() {
    return context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
  }

  private Behavior<Message> onGetStatus(MeshNode.GetStatus get) {
    gatherStatus(get.replyTo());
    return Behaviors.same();
  }

  /** The meters read the same snapshot as the JSON telemetry: gathered the same way, into the meters. */
  private Behavior<Message> onRefreshMeters(RefreshMeters refresh) {
    gatherStatus(Replies.once(context, ASK_TIMEOUT.multipliedBy(5), MetersRefreshed::new,
        () -> new MetersRefreshed(StatusReply.error("status timed out"))));
    return Behaviors.same();
  }

  private Behavior<Message> onMetersRefreshed(MetersRefreshed refreshed) {
    if (refreshed.status().isSuccess()) {
      meters.ifPresent(m -> m.update(refreshed.status().getValue().telemetry()));
    } else {
      context.getLog().debug("meters keep their last snapshot: {}", refreshed.status().getError().getMessage());
    }
    return Behaviors.same();
  }

  private void gatherStatus(ActorRef<StatusReply<NodeStatus>> replyTo) {
    endpoint.tell(new Endpoint.GetSnapshot(Replies.once(context, ASK_TIMEOUT,
        snapshot -> new StatusStep(snapshot, null, null, null, null, null, null, replyTo),
        () -> timedOut(replyTo))));
  }

  private static StatusStep timedOut(ActorRef<StatusReply<NodeStatus>> replyTo) {
    return new StatusStep(null, null, null, null, null, null,
        new java.util.concurrent.TimeoutException("a node actor did not answer"), replyTo);
  }

  private Behavior<Message> onStatusStep(StatusStep step) {
    if (step.failure() != null) {
      step.replyTo().tell(StatusReply.error("status unavailable: " + Failures.message(step.failure())));
    } else if (step.peers() == null) {
      dht.tell(new Dht.GetPeers(Replies.once(context, ASK_TIMEOUT,
          (List<PeerInfo> peers) -> new StatusStep(step.endpoint(), peers, null, null, null, null, null,
              step.replyTo()),
          () -> timedOut(step.replyTo()))));
    } else if (step.dht() == null) {
      dht.tell(new Dht.GetStatus(Replies.once(context, ASK_TIMEOUT,
          (DhtStatus status) -> new StatusStep(step.endpoint(), step.peers(), status, null, null, null, null,
              step.replyTo()),
          () -> timedOut(step.replyTo()))));
    } else if (step.pubsub() == null) {
      gossip.tell(new GossipRouter.GetStatus(Replies.once(context, ASK_TIMEOUT,
          (PubSubStatus status) -> new StatusStep(step.endpoint(), step.peers(), step.dht(), status, null, null,
              null, step.replyTo()),
          () -> timedOut(step.replyTo()))));
    } else if (step.nat() == null) {
      nat.tell(new NatDetector.GetStatus(Replies.once(context, ASK_TIMEOUT,
          (NatDetector.NatStatus status) -> new StatusStep(step.endpoint(), step.peers(), step.dht(), step.pubsub(),
              status, null, null, step.replyTo()),
          () -> timedOut(step.replyTo()))));
    } else if (step.connect() == null) {
      connections.tell(new ConnectionManager.GetCounters(Replies.once(context, ASK_TIMEOUT,
          (Map<String, Long> connect) -> new StatusStep(step.endpoint(), step.peers(), step.dht(), step.pubsub(),
              step.nat(), connect, null, step.replyTo()),
          () -> timedOut(step.replyTo()))));
    } else {
      long uptime = Duration.between(startedAt, environment.clock().instant()).toMillis();
      Map<String, Long> counters = new java.util.TreeMap<>(step.endpoint().counters());
      counters.putAll(this.counters.snapshot());
      step.connect().forEach((name, count) -> counters.put("connect." + name, count));
      starts.forEach((child, count) -> {
        if (count > 1) {
          counters.put("restarts." + child.actorName, (long) count - 1);
        }
      });
      Telemetry telemetry = new Telemetry(uptime, transport.stats(), step.dht(), step.pubsub(),
          NatTelemetry.of(step.nat(), stun.stats()), counters);
      step.replyTo().tell(StatusReply.success(new NodeStatus(
          keypair.nodeId(), listen, step.endpoint().observed(), step.peers(), telemetry, step.nat().last())));
    }
    return Behaviors.same();
  }

  /** Hands verified inbound requests to the responsible actor without blocking the transport's thread. */
  private InboundHandler inboundHandler() {
    var system = context.getSystem();
    return new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        ActorRef<Dht.Command> dhtRef = dht;
        ActorRef<Endpoint.Command> endpointRef = endpoint;
        ActorRef<ConnectionManager.Command> connectionsRef = connections;
        if (dhtRef == null || endpointRef == null || connectionsRef == null) {
          return CompletableFuture.failedFuture(new IllegalStateException("node is still starting"));
        }
        // A visitor (RequestRoutes): a family without a route here does not compile, nor can it take another's route.
        return request.message().route(new RequestRoutes<CompletionStage<Response>>() {
          @Override
          public CompletionStage<Response> dht(DhtRequest message) {
            CompletableFuture<Response> reply = new CompletableFuture<>();
            dhtRef.tell(new Dht.Inbound(request, reply));
            return reply;
          }

          @Override
          public CompletionStage<Response> nat(NatRequest message) {
            CompletableFuture<Response> reply = new CompletableFuture<>();
            ActorRef<NatDetector.Command> natRef = nat;
            if ((message instanceof DialBack || message instanceof DialBackRelay) && natRef != null) {
              natRef.tell(new NatDetector.ServeDialBack(request, reply)); // NAT behaviour tests are the detector's
            } else if (message instanceof RelayReserve || message instanceof RelayConnect
                || message instanceof RelayClose) {
              ActorRef<RelayServer.Command> relayRef = relay;
              if (relayRef == null) {
                reply.complete(new Rejected(Rejected.Reason.UNSUPPORTED, "this node is not a relay"));
              } else {
                relayRef.tell(new RelayServer.Inbound(request, reply));
              }
            } else if (message instanceof RelayIncoming || message instanceof HolePunchStart) {
              connectionsRef.tell(new ConnectionManager.Inbound(request, reply));
            } else {
              endpointRef.tell(new Endpoint.Inbound(request, reply));
            }
            return reply;
          }

          @Override
          public CompletionStage<Response> app(AppRequest message) {
            CompletableFuture<Response> reply = new CompletableFuture<>();
            connectionsRef.tell(new ConnectionManager.Inbound(request, reply));
            return reply;
          }
        });
      }

      @Override
      public void onStream(NodeId peer, Source<org.quicmesh.wire.Message, NotUsed> messages) {
        ActorRef<GossipRouter.Command> router = gossip;
        if (router == null) {
          messages.runWith(Sink.cancelled(), system);
        } else {
          router.tell(new GossipRouter.InboundStream(peer, messages));
        }
      }
    };
  }
}
