package org.quicmesh.node;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.actor.Failures;
import org.quicmesh.actor.Replies;
import org.quicmesh.dht.Dht;
import org.quicmesh.dht.DhtSettings;
import org.quicmesh.dht.DhtStatus;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.identity.Keypair;
import org.quicmesh.pubsub.GossipRouter;
import org.quicmesh.pubsub.PubSubSettings;
import org.quicmesh.pubsub.PubSubStatus;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.FindNode;
import org.quicmesh.wire.FindValue;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Response;
import org.quicmesh.wire.Store;

/**
 * Root of one node's actor tree: owns the transport's lifecycle, supervises the protocol actors (restarting a child,
 * never the node), routes inbound requests by protocol family and the public {@link MeshNode.Command}s to them.
 */
final class NodeGuardian {

  /** Everything the guardian receives: the public commands plus its own internal messages. */
  sealed interface Message permits MeshNode.Command, Internal {}

  private sealed interface Internal extends Message {}

  private record Started(List<InetSocketAddress> addresses) implements Internal {}

  private record StartFailed(Throwable cause) implements Internal {}

  private record Located(StatusReply<Contact> contact, ActorRef<StatusReply<Pong>> replyTo) implements Internal {}

  /** Status is gathered in three asks; each step carries what the earlier ones returned. */
  private record StatusStep(Endpoint.Snapshot endpoint, List<PeerInfo> peers, DhtStatus dht, PubSubStatus pubsub,
      Throwable failure, ActorRef<StatusReply<NodeStatus>> replyTo) implements Internal {}

  private record ShutdownDone(List<ActorRef<Done>> replyTo) implements Internal {}

  private static final int STASH_CAPACITY = 10_000;
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final ActorContext<Message> context;
  private final MeshConfig config;
  private final Keypair keypair;
  private final NodeEnvironment environment;
  private final Transport transport;
  private final Instant startedAt;
  private List<InetSocketAddress> listen = List.of();
  // Read by the transport's threads in the inbound handler.
  private volatile ActorRef<Endpoint.Command> endpoint;
  private volatile ActorRef<Dht.Command> dht;
  private volatile ActorRef<GossipRouter.Command> gossip;

  static Behavior<MeshNode.Command> create(
      MeshConfig config, Keypair keypair, TransportFactory transports, NodeEnvironment environment) {
    Behavior<Message> behavior = Behaviors.setup(ctx -> Behaviors.withStash(STASH_CAPACITY, stash ->
        new NodeGuardian(ctx, config, keypair, transports, environment).starting(stash)));
    return behavior.narrow();
  }

  private NodeGuardian(ActorContext<Message> context, MeshConfig config, Keypair keypair,
      TransportFactory transports, NodeEnvironment environment) {
    this.context = context;
    this.config = config;
    this.keypair = keypair;
    this.environment = environment;
    this.startedAt = environment.clock().instant();
    this.transport = transports.create(context.getSystem(), keypair, config);
  }

  private Behavior<Message> starting(StashBuffer<Message> stash) {
    context.pipeToSelf(transport.start(inboundHandler()), (addresses, failure) ->
        failure != null ? new StartFailed(failure) : new Started(addresses));
    return Behaviors.receive(Message.class)
        .onMessage(Started.class, started -> {
          listen = List.copyOf(started.addresses());
          spawnChildren(Contact.of(keypair.nodeId(), listen.get(0)));
          context.getLog().debug("node {} listening on {}", keypair.nodeId().toHex(), listen);
          dht.tell(new Dht.Bootstrap(config.bootstrap()));
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

  private void spawnChildren(Contact self) {
    DhtSettings dhtSettings = DhtSettings.fromConfig(config.raw().getConfig("dht"), config.requestTimeout());
    dht = context.spawn(
        Behaviors.supervise(Dht.create(dhtSettings, transport, keypair, self, environment.clock(),
            environment.random())).onFailure(SupervisorStrategy.restart()),
        "dht");
    endpoint = context.spawn(
        Behaviors.supervise(Endpoint.create(transport, self, listen, config.requestTimeout(), dht))
            .onFailure(SupervisorStrategy.restart()),
        "endpoint");
    gossip = context.spawn(
        Behaviors.supervise(GossipRouter.create(PubSubSettings.fromConfig(config.raw().getConfig("pubsub")),
            transport, keypair, self, dht, environment.clock(), new java.util.Random(environment.random().nextLong())))
            .onFailure(SupervisorStrategy.restart()),
        "pubsub");
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
        .onMessage(MeshNode.Subscribe.class, m -> toGossip(new GossipRouter.SubscribeTopic(m.topic(), m.subscriber())))
        .onMessage(MeshNode.Unsubscribe.class,
            m -> toGossip(new GossipRouter.UnsubscribeTopic(m.topic(), m.subscriber())))
        .onMessage(MeshNode.Publish.class,
            m -> toGossip(new GossipRouter.PublishMessage(m.topic(), m.data(), m.replyTo())))
        .onMessage(MeshNode.WhenTopicReady.class, m -> toGossip(new GossipRouter.WhenReady(m.topic(), m.replyTo())))
        .onMessage(MeshNode.SubscriberDropped.class, m -> toGossip(new GossipRouter.SubscriberDropped(m.topic())))
        .onMessage(MeshNode.Stop.class, stop -> stopping(stop.replyTo()))
        .onSignal(PostStop.class, signal -> {
          transport.shutdown();
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Message> forward(Dht.Command command) {
    dht.tell(command);
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
        .onMessage(Internal.class, ignored -> Behaviors.same())
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


  private Behavior<Message> stopping(ActorRef<Done> firstReplyTo) {
    List<ActorRef<Done>> waiting = new ArrayList<>(List.of(firstReplyTo));
    context.pipeToSelf(transport.shutdown(), (done, failure) -> new ShutdownDone(waiting));
    return Behaviors.receive(Message.class)
        .onMessage(MeshNode.Stop.class, stop -> {
          waiting.add(stop.replyTo());
          return Behaviors.same();
        })
        .onMessage(ShutdownDone.class, done -> {
          done.replyTo().forEach(ref -> ref.tell(Done.getInstance()));
          return Behaviors.stopped();
        })
        .onMessage(MeshNode.Command.class, command -> {
          replyError(command, "node is shutting down");
          return Behaviors.same();
        })
        .onMessage(Internal.class, ignored -> Behaviors.same())
        .build();
  }

  private Behavior<Message> onGetStatus(MeshNode.GetStatus get) {
    endpoint.tell(new Endpoint.GetSnapshot(Replies.once(context, ASK_TIMEOUT,
        snapshot -> new StatusStep(snapshot, null, null, null, null, get.replyTo()),
        () -> timedOut(get.replyTo()))));
    return Behaviors.same();
  }

  private static StatusStep timedOut(ActorRef<StatusReply<NodeStatus>> replyTo) {
    return new StatusStep(null, null, null, null,
        new java.util.concurrent.TimeoutException("a node actor did not answer"), replyTo);
  }

  private Behavior<Message> onStatusStep(StatusStep step) {
    if (step.failure() != null) {
      step.replyTo().tell(StatusReply.error("status unavailable: " + Failures.message(step.failure())));
    } else if (step.peers() == null) {
      dht.tell(new Dht.GetPeers(Replies.once(context, ASK_TIMEOUT,
          (List<PeerInfo> peers) -> new StatusStep(step.endpoint(), peers, null, null, null, step.replyTo()),
          () -> timedOut(step.replyTo()))));
    } else if (step.dht() == null) {
      dht.tell(new Dht.GetStatus(Replies.once(context, ASK_TIMEOUT,
          (DhtStatus status) -> new StatusStep(step.endpoint(), step.peers(), status, null, null, step.replyTo()),
          () -> timedOut(step.replyTo()))));
    } else if (step.pubsub() == null) {
      gossip.tell(new GossipRouter.GetStatus(Replies.once(context, ASK_TIMEOUT,
          (PubSubStatus status) -> new StatusStep(step.endpoint(), step.peers(), step.dht(), status, null,
              step.replyTo()),
          () -> timedOut(step.replyTo()))));
    } else {
      long uptime = Duration.between(startedAt, environment.clock().instant()).toMillis();
      Telemetry telemetry = new Telemetry(uptime, transport.stats(), step.dht(), step.pubsub(),
          step.endpoint().counters());
      step.replyTo().tell(StatusReply.success(new NodeStatus(
          keypair.nodeId(), listen, step.endpoint().observed(), step.peers(), telemetry)));
    }
    return Behaviors.same();
  }

  /** Hands verified inbound requests to the responsible actor without blocking the transport's thread. */
  private InboundHandler inboundHandler() {
    var system = context.getSystem();
    return new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        CompletableFuture<Response> reply = new CompletableFuture<>();
        var message = request.message();
        boolean dhtFamily = message instanceof Ping || message instanceof FindNode || message instanceof FindValue
            || message instanceof Store;
        ActorRef<Dht.Command> dhtRef = dht;
        ActorRef<Endpoint.Command> endpointRef = endpoint;
        if (dhtRef == null || endpointRef == null) {
          return CompletableFuture.failedFuture(new IllegalStateException("node is still starting"));
        }
        if (dhtFamily) {
          dhtRef.tell(new Dht.Inbound(request, reply));
        } else {
          endpointRef.tell(new Endpoint.Inbound(request, reply));
        }
        return reply;
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
