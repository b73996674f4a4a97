package org.quicmesh.node;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.Done;
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
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Transport;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Response;

/**
 * Root of one node's actor tree: owns the transport's lifecycle, supervises the protocol actors (restarting a child,
 * never the node) and routes the public {@link MeshNode.Command}s to them.
 */
final class NodeGuardian {

  /** Everything the guardian receives: the public commands plus its own internal messages. */
  sealed interface Message permits MeshNode.Command, Internal {}

  private sealed interface Internal extends Message {}

  private record Started(List<InetSocketAddress> addresses) implements Internal {}

  private record StartFailed(Throwable cause) implements Internal {}

  private record StatusReady(Endpoint.Snapshot snapshot, Throwable failure, ActorRef<StatusReply<NodeStatus>> replyTo)
      implements Internal {}

  private record ShutdownDone(List<ActorRef<Done>> replyTo) implements Internal {}

  private static final int STASH_CAPACITY = 10_000;

  private final ActorContext<Message> context;
  private final MeshConfig config;
  private final Keypair keypair;
  private final NodeEnvironment environment;
  private final Transport transport;
  private final Instant startedAt;
  private List<InetSocketAddress> listen = List.of();
  // Read by the transport's threads in the inbound handler.
  private volatile ActorRef<Endpoint.Command> endpoint;

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
          Contact self = Contact.of(keypair.nodeId(), listen.get(0));
          endpoint = context.spawn(
              Behaviors.supervise(Endpoint.create(transport, self, config.requestTimeout(), environment.clock()))
                  .onFailure(SupervisorStrategy.restart()),
              "endpoint");
          context.getLog().info("node {} listening on {}", keypair.nodeId().toHex(), listen);
          pingSeeds();
          return stash.unstashAll(running());
        })
        .onMessage(StartFailed.class, failed -> {
          String reason = "node failed to start: " + Failures.message(failed.cause());
          context.getLog().error(reason);
          stash.unstashAll(failing(reason));
          return failing(reason);
        })
        .onMessage(MeshNode.Command.class, command -> {
          stash.stash(command);
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Message> running() {
    return Behaviors.receive(Message.class)
        .onMessage(MeshNode.Ping.class, ping -> {
          endpoint.tell(new Endpoint.SendPing(ping.target(), ping.replyTo()));
          return Behaviors.same();
        })
        .onMessage(MeshNode.GetStatus.class, this::onGetStatus)
        .onMessage(StatusReady.class, this::onStatusReady)
        .onMessage(MeshNode.Stop.class, stop -> stopping(stop.replyTo()))
        .onSignal(PostStop.class, signal -> {
          transport.shutdown();
          return Behaviors.same();
        })
        .build();
  }

  /** Answers every command with the start-up error, then stops. */
  private Behavior<Message> failing(String reason) {
    return Behaviors.receive(Message.class)
        .onMessage(MeshNode.Ping.class, ping -> {
          ping.replyTo().tell(StatusReply.error(reason));
          return Behaviors.same();
        })
        .onMessage(MeshNode.GetStatus.class, get -> {
          get.replyTo().tell(StatusReply.error(reason));
          return Behaviors.same();
        })
        .onMessage(MeshNode.Stop.class, stop -> {
          stop.replyTo().tell(Done.getInstance());
          return Behaviors.stopped();
        })
        .onMessage(Internal.class, ignored -> Behaviors.same())
        .build();
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
        .onMessage(MeshNode.Command.class, ignored -> Behaviors.same())
        .onMessage(Internal.class, ignored -> Behaviors.same())
        .build();
  }

  private Behavior<Message> onGetStatus(MeshNode.GetStatus get) {
    context.ask(Endpoint.Snapshot.class, endpoint, Duration.ofSeconds(5), Endpoint.GetSnapshot::new,
        (snapshot, failure) -> new StatusReady(snapshot, failure, get.replyTo()));
    return Behaviors.same();
  }

  private Behavior<Message> onStatusReady(StatusReady ready) {
    if (ready.failure() != null) {
      ready.replyTo().tell(StatusReply.error("status unavailable: " + ready.failure().getMessage()));
      return Behaviors.same();
    }
    long uptime = Duration.between(startedAt, environment.clock().instant()).toMillis();
    Telemetry telemetry = new Telemetry(uptime, transport.stats(), ready.snapshot().counters());
    ready.replyTo().tell(StatusReply.success(new NodeStatus(
        keypair.nodeId(), listen, ready.snapshot().observed(), ready.snapshot().peers(), telemetry)));
    return Behaviors.same();
  }

  private void pingSeeds() {
    for (InetSocketAddress seed : config.bootstrap()) {
      ActorRef<StatusReply<Pong>> ignore = context.getSystem().ignoreRef();
      endpoint.tell(new Endpoint.SendPing(PeerTarget.of(seed), ignore));
    }
  }

  /** Hands verified inbound requests to the endpoint actor without blocking the transport's thread. */
  private InboundHandler inboundHandler() {
    var system = context.getSystem();
    ActorRef<Message> self = context.getSelf();
    return new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        ActorRef<Endpoint.Command> target = endpoint;
        if (target == null) {
          return CompletableFuture.failedFuture(
              new IllegalStateException("node " + self.path().name() + " is still starting"));
        }
        CompletableFuture<Response> reply = new CompletableFuture<>();
        target.tell(new Endpoint.Inbound(request, reply));
        return reply;
      }

      @Override
      public void onStream(NodeId peer, Source<org.quicmesh.wire.Message, NotUsed> messages) {
        // No protocol uses long-lived streams yet: refuse by cancelling, so the sender sees it at once.
        messages.runWith(Sink.cancelled(), system);
      }
    };
  }
}
