package org.quicmesh.node;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.connect.ConnectionEvent;
import org.quicmesh.connect.ConnectionInfo;
import org.quicmesh.pubsub.MessageId;
import org.quicmesh.pubsub.ReceivedMessage;
import org.quicmesh.pubsub.StreamSubscriber;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.dht.LookupResult;
import org.quicmesh.dht.PutResult;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.NatClassification;

/**
 * A {@code CompletionStage} facade over a node actor, for code that does not speak actors. Every method is
 * non-blocking; stages fail with the node's error text when a command fails.
 */
public final class Quicmesh {
  private static final AtomicLong SUBSCRIBERS = new AtomicLong();
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private final ActorSystem<?> system;
  private final ActorRef<MeshNode.Command> node;
  private final Duration askTimeout;

  private Quicmesh(ActorSystem<?> system, ActorRef<MeshNode.Command> node, Duration askTimeout) {
    this.system = system;
    this.node = node;
    this.askTimeout = askTimeout;
  }

  /**
   * Spawns a node in {@code system} and completes once it is listening (or fails with the reason it could not
   * start).
   */
  public static CompletionStage<Quicmesh> start(ActorSystem<?> system, String name, MeshConfig config,
      Keypair keypair, TransportFactory transports, NodeEnvironment environment) {
    return start(system, name, config, MeshNode.create(config, keypair, transports, environment));
  }

  /** As above, with the node's meters in {@code registry} (see {@link MeshNode#create(MeshConfig, Keypair,
   * TransportFactory, NodeEnvironment, MeterRegistry)}). */
  public static CompletionStage<Quicmesh> start(ActorSystem<?> system, String name, MeshConfig config,
      Keypair keypair, TransportFactory transports, NodeEnvironment environment, MeterRegistry registry) {
    return start(system, name, config, MeshNode.create(config, keypair, transports, environment, registry));
  }

  private static CompletionStage<Quicmesh> start(ActorSystem<?> system, String name, MeshConfig config,
      Behavior<MeshNode.Command> behavior) {
    ActorRef<MeshNode.Command> node = system.systemActorOf(behavior, name, Props.empty());
    Quicmesh mesh = new Quicmesh(system, node, config.requestTimeout().multipliedBy(2).plusSeconds(1));
    // The first answer waits for the socket and the native QUIC library: allow a slow (busy) machine a minute.
    return mesh.<NodeStatus>askWithStatus(MeshNode.GetStatus::new, STARTUP_TIMEOUT).thenApply(status -> mesh);
  }

  /** The actor system the node runs in (to run the streams this facade returns). */
  public ActorSystem<?> system() {
    return system;
  }

  /** The node actor, for sending {@link MeshNode.Command}s directly. */
  public ActorRef<MeshNode.Command> node() {
    return node;
  }

  public CompletionStage<Pong> ping(PeerTarget target) {
    return askWithStatus(replyTo -> new MeshNode.Ping(target, replyTo), askTimeout);
  }

  public CompletionStage<NodeStatus> status() {
    return askWithStatus(MeshNode.GetStatus::new, askTimeout);
  }

  /** The 20 contacts closest to {@code target} by an iterative lookup, with the lookup's statistics. */
  public CompletionStage<LookupResult> findNode(NodeId target) {
    return askWithStatus(replyTo -> new MeshNode.FindNode(target, replyTo), lookupTimeout());
  }

  /**
   * Stores a value at the closest nodes under its BLAKE3 key. The result's {@link PutResult#localOnly()} is true when
   * no peer accepted it (none reachable): the value then lives only on this node.
   */
  public CompletionStage<PutResult> put(byte[] value) {
    return askWithStatus(replyTo -> new MeshNode.Put(value, replyTo), lookupTimeout());
  }

  /** Fetches a value by key; fails with "not found" when no node has it. */
  public CompletionStage<byte[]> get(Key key) {
    return askWithStatus(replyTo -> new MeshNode.Get(key, replyTo), lookupTimeout());
  }

  /** Publishes our signed endpoint record; it is republished automatically afterwards. */
  public CompletionStage<EndpointRecord> publishAddress() {
    return askWithStatus(MeshNode.PublishAddress::new, lookupTimeout());
  }

  /**
   * What NAT the node sits behind, with the evidence (the first run's verdict once it ends, then the last one);
   * {@code rerun} asks for a fresh run.
   */
  public CompletionStage<NatClassification> nat(boolean rerun) {
    return askWithStatus(replyTo -> new MeshNode.Nat(rerun, replyTo), lookupTimeout().multipliedBy(3));
  }

  /** Finds and verifies another node's endpoint record. */
  public CompletionStage<EndpointRecord> resolve(NodeId peer) {
    return askWithStatus(replyTo -> new MeshNode.Resolve(peer, replyTo), lookupTimeout());
  }

  /**
   * Connects to a node known only by its NodeId (directly, or through one of its relays and then upgraded to direct
   * in the background); on a connected peer it completes at once with the current path.
   */
  public CompletionStage<ConnectionInfo> connect(NodeId peer) {
    return askWithStatus(replyTo -> new MeshNode.Connect(peer, replyTo), lookupTimeout().multipliedBy(3));
  }

  /** Sends bytes to a node, connecting first if needed; completes once the peer acknowledged all of them. */
  public CompletionStage<Done> send(NodeId peer, byte[] data) {
    return askWithStatus(replyTo -> new MeshNode.SendData(peer, data, replyTo), lookupTimeout().multipliedBy(4));
  }

  /** The connections made by NodeId (or accepted through a relay), each with its current path. */
  public CompletionStage<List<ConnectionInfo>> connections() {
    return ask(MeshNode.GetConnections::new, askTimeout);
  }

  /** {@code watcher} is told every path change and every byte a peer sends this node from now on. */
  public void watchConnections(ActorRef<ConnectionEvent> watcher) {
    node.tell(new MeshNode.WatchConnections(watcher));
  }

  /**
   * The messages published to a topic, as a stream: the node joins the topic's mesh when the stream starts and leaves
   * it when the stream ends. The stream buffers up to {@code bufferSize} messages for a slow reader and drops newer
   * ones while full (a local reader cannot slow the network down).
   */
  public Source<ReceivedMessage, NotUsed> subscribe(String topic, int bufferSize) {
    return Source.<ReceivedMessage>queue(bufferSize)
        .mapMaterializedValue(queue -> {
          ActorRef<Object> subscriber = system.systemActorOf(StreamSubscriber.create(queue,
                  dropped -> node.<NodeGuardian.Message>unsafeUpcast()
                      .tell(new NodeGuardian.SubscriberDropped(dropped.topic()))),
              "subscriber-" + SUBSCRIBERS.incrementAndGet(), Props.empty());
          node.tell(new MeshNode.Subscribe(topic, subscriber.narrow()));
          return subscriber;
        })
        .watchTermination((subscriber, done) -> {
          done.whenComplete((ok, failure) -> {
            node.tell(new MeshNode.Unsubscribe(topic, subscriber.narrow()));
            subscriber.tell(StreamSubscriber.STOP);
          });
          return NotUsed.getInstance();
        });
  }

  public Source<ReceivedMessage, NotUsed> subscribe(String topic) {
    return subscribe(topic, 1024);
  }

  /** The typed-actor variant: {@code subscriber} receives every message of the topic until it stops. */
  public void subscribe(String topic, ActorRef<ReceivedMessage> subscriber) {
    node.tell(new MeshNode.Subscribe(topic, subscriber));
  }

  /**
   * Publishes a signed message; completes once a peer's link accepted it, fails when no peer is known for the topic
   * or every target's queue is full.
   */
  public CompletionStage<MessageId> publish(String topic, byte[] data) {
    return askWithStatus(replyTo -> new MeshNode.Publish(topic, data, replyTo), askTimeout);
  }

  /** Completes when the topic's mesh has reached D_low peers. */
  public CompletionStage<Done> whenTopicReady(String topic, Duration timeout) {
    return ask(replyTo -> new MeshNode.WhenTopicReady(topic, replyTo), timeout);
  }

  /**
   * Asks the node for a {@link StatusReply}. Pekko's ask completes a Scala-backed stage whose plain callbacks
   * ({@code thenApply}, {@code whenComplete}, ...) each run as an async task on the common pool, which on machines
   * with fewer than 3 cores means a new thread per callback; the stage returned here is a plain
   * {@link CompletableFuture}: callbacks run on the thread that completes it, as callers of a CompletionStage expect.
   */
  private <T> CompletionStage<T> askWithStatus(Function<ActorRef<StatusReply<T>>, MeshNode.Command> command,
      Duration timeout) {
    return plain(AskPattern.askWithStatus(node, command::apply, timeout, system.scheduler()));
  }

  /** Like {@link #askWithStatus} for commands that reply with a plain value. */
  private <T> CompletionStage<T> ask(Function<ActorRef<T>, MeshNode.Command> command, Duration timeout) {
    return plain(AskPattern.ask(node, command::apply, timeout, system.scheduler()));
  }

  private static <T> CompletionStage<T> plain(CompletionStage<T> pekko) {
    CompletableFuture<T> plain = new CompletableFuture<>();
    // The explicit-executor variant is not redirected to the common pool: Runnable::run completes ours in place.
    pekko.whenCompleteAsync((value, failure) -> {
      if (failure != null) {
        plain.completeExceptionally(failure);
      } else {
        plain.complete(value);
      }
    }, Runnable::run);
    return plain;
  }

  /** A lookup may wait out several per-RPC timeouts in a row. */
  private Duration lookupTimeout() {
    return askTimeout.multipliedBy(4);
  }

  /** Closes the node's connections and socket; completes when the port is released. */
  public CompletionStage<Done> shutdown() {
    return ask(MeshNode.Stop::new, askTimeout);
  }
}
