package org.quicmesh.pubsub;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.quicmesh.dht.Dht;
import org.quicmesh.dht.PeerInfo;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.actor.Counters;
import org.quicmesh.actor.FailureInjection;
import org.quicmesh.actor.Failures;
import org.quicmesh.actor.Replies;
import org.quicmesh.transport.Transport;
import org.quicmesh.transport.TransportException;
import org.quicmesh.wire.Choke;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.GossipMessage;
import org.quicmesh.wire.Graft;
import org.quicmesh.wire.IHave;
import org.quicmesh.wire.IWant;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Prune;
import org.quicmesh.wire.Publish;
import org.quicmesh.wire.Subscribe;
import org.quicmesh.wire.Unchoke;
import org.quicmesh.wire.Unsubscribe;

/**
 * GossipSub for one node: keeps long-lived streams to a set of peers (found through the DHT, peer exchange, or their
 * own streams to us), learns their subscriptions, deduplicates and verifies messages, answers gossip (IHave/IWant with
 * bounds and promise tracking), and hands each topic's mesh work to one {@link Topic} actor per topic.
 */
public final class GossipRouter {

  /** The router's protocol; the node guardian sends the public ones. */
  public sealed interface Command {}

  public record SubscribeTopic(String topic, ActorRef<ReceivedMessage> subscriber) implements Command {}

  public record UnsubscribeTopic(String topic, ActorRef<ReceivedMessage> subscriber) implements Command {}

  public record PublishMessage(String topic, byte[] data, ActorRef<StatusReply<MessageId>> replyTo)
      implements Command {}

  /** Replies once the topic's mesh has reached D_low peers (the readiness signal). */
  public record WhenReady(String topic, ActorRef<Done> replyTo) implements Command {}

  /** A verified peer opened its message stream to us. */
  public record InboundStream(NodeId peer, Source<Message, NotUsed> messages) implements Command {}

  public record GetStatus(ActorRef<PubSubStatus> replyTo) implements Command {}

  /**
   * The node is shutting down: tell every peer we leave our topics (Prune with backoff, then Unsubscribe) so its mesh
   * repairs at its next heartbeat instead of after a timeout, close our streams after those messages, and reply once
   * every stream is flushed and closed. The router then only answers status until it is stopped.
   */
  public record Leave(ActorRef<Done> replyTo) implements Command {}

  /** A local subscriber of {@code topic} could not take a message: counted as {@code subscriber.dropped}. */
  public record SubscriberDropped(String topic) implements Command {}

  /**
   * Test-only: makes the actor of {@code topic} throw inside its own message processing (see
   * {@link FailureInjection}); ignored if the topic has no actor.
   */
  public record FailTopic(String topic, String reason) implements Command {}

  // ---- from topic actors (which write to peers' links themselves) ----
  record Gossip(String topic, List<NodeId> targets) implements Command {}

  record Connect(List<Contact> peers) implements Command {}

  /** A local subscriber left the topic ({@code none} when it was the last one). */
  record Left(String topic, ActorRef<ReceivedMessage> subscriber, boolean none) implements Command {}

  record TopicIdle(String topic, ActorRef<Topic.Command> actor) implements Command {}

  record TopicReport(TopicStatus status) implements Command {}

  /** The topic sent {@code peer} a Choke ({@code choked}), or an Unchoke or Prune: how to read its IHaves there. */
  record ChokeState(NodeId peer, String topic, boolean choked) implements Command {}

  /** A topic found the peer's link full: every topic prunes it. */
  record PeerSlow(NodeId peer) implements Command {}

  /** The topic's actor failed and restarted empty: it is re-seeded with its peers and local subscribers. */
  record TopicRestarted(String topic, ActorRef<Topic.Command> actor) implements Command {}

  // ---- internal ----
  /** What a peer's stream had ready, in order (more than one when the router was busy: one hand-off for all). */
  private record FromPeer(NodeId peer, List<Message> messages, ActorRef<Ack> ack) implements Command {}

  private record StreamStarted(NodeId peer, ActorRef<Ack> ack) implements Command {}

  private record StreamEnded(NodeId peer, Throwable failure) implements Command {}

  private record LinkClosed(NodeId peer, PeerLink link, Throwable failure) implements Command {}

  private record PeersFound(List<PeerInfo> peers) implements Command {}

  private record Located(NodeId peer, StatusReply<Contact> contact) implements Command {}

  private record RttMeasured(NodeId peer, PeerLink link, long sentMillis, boolean answered) implements Command {}

  private enum Tick implements Command { HEARTBEAT, DEFERRED_WANTS }

  enum Ack { INSTANCE }

  /** At most this many messages of one stream in one hand-off to the router. */
  static final int MAX_INBOUND_BATCH = 64;

  private final ActorContext<Command> context;
  private final PubSubSettings settings;
  private final Transport transport;
  private final Keypair keypair;
  private final Contact self;
  private final ActorRef<Dht.Command> dht;
  private final Clock clock;
  private final Random random;
  private final PeerTable peers = new PeerTable();
  private final LocalTopics topics = new LocalTopics();
  private final SeenCache seen;
  private final MessageCache cache;
  private final PromiseTracker promises = new PromiseTracker();
  private final IHaveBudget iHaveBudget = new IHaveBudget();
  private final DeferredWants deferredWants = new DeferredWants();
  private final AnnouncementLag lag;
  /** How long the message cache serves what it announced: announced copies later than that are not coming. */
  private final long cacheHoldMillis;
  private final TimerScheduler<Command> timers;
  private final Counters counters = new Counters();
  private long nextSeqno;
  /** When the DEFERRED_WANTS timer fires (MAX_VALUE: not set). */
  private long deferredWantsTimerAt = Long.MAX_VALUE;
  private long heartbeats;

  private GossipRouter(ActorContext<Command> context, TimerScheduler<Command> timers, PubSubSettings settings,
      Transport transport, Keypair keypair, Contact self, ActorRef<Dht.Command> dht, Clock clock, Random random) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.transport = transport;
    this.keypair = keypair;
    this.self = self;
    this.dht = dht;
    this.clock = clock;
    this.random = random;
    this.seen = new SeenCache(settings.seenCacheSize(), settings.seenTtl().toMillis());
    // Waits stay well inside how long announcers keep what they announce (our own cache's history, the default).
    this.cacheHoldMillis = settings.mcacheLen() * settings.heartbeatMillis();
    this.lag = new AnnouncementLag(cacheHoldMillis / 2);
    this.cache = new MessageCache(settings.mcacheLen(), settings.mcacheGossip(),
        MessageCache.DEFAULT_GOSSIP_RETRANSMISSION, MessageCache.DEFAULT_MAX_IWANT_ANSWERS_PER_PEER,
        settings.mcacheMaxBytes());
    // Sequence numbers start at the clock so a restarted node (same key) never reuses an id still in caches.
    this.nextSeqno = clock.millis() * 1000;
    timers.startTimerWithFixedDelay(Tick.HEARTBEAT, settings.heartbeat());
  }

  /**
   * @param self our own contact: round-trip probes are DHT Pings from it
   */
  public static Behavior<Command> create(PubSubSettings settings, Transport transport, Keypair keypair, Contact self,
      ActorRef<Dht.Command> dht, Clock clock, Random random) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new GossipRouter(ctx, timers, settings, transport, keypair, self, dht, clock, random).behavior()));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(SubscribeTopic.class, this::onSubscribe)
        .onMessage(UnsubscribeTopic.class, m -> {
          ActorRef<Topic.Command> topic = topics.actor(m.topic());
          if (topic != null) {
            topic.tell(new Topic.Leave(m.subscriber()));
          }
          return Behaviors.same();
        })
        .onMessage(PublishMessage.class, this::onPublish)
        .onMessage(WhenReady.class, m -> {
          topic(m.topic()).tell(new Topic.WhenReady(m.replyTo()));
          return Behaviors.same();
        })
        .onMessage(InboundStream.class, this::onInboundStream)
        .onMessage(StreamStarted.class, m -> {
          m.ack().tell(Ack.INSTANCE);
          return Behaviors.same();
        })
        .onMessage(FromPeer.class, this::onFromPeer)
        .onMessage(StreamEnded.class, m -> {
          peers.inboundClosed(m.peer());
          return Behaviors.same();
        })
        .onMessage(LinkClosed.class, this::onLinkClosed)
        .onMessage(Gossip.class, this::onGossip)
        .onMessage(Connect.class, m -> {
          m.peers().forEach(this::connect);
          return Behaviors.same();
        })
        .onMessage(Left.class, this::onLeft)
        .onMessage(TopicIdle.class, this::onTopicIdle)
        .onMessage(ChokeState.class, this::onChokeState)
        .onMessage(PeerSlow.class, m -> {
          topics.actors().forEach(t -> t.tell(new Topic.Slow(m.peer())));
          return Behaviors.same();
        })
        .onMessage(TopicRestarted.class, this::onTopicRestarted)
        .onMessage(FailTopic.class, m -> {
          ActorRef<Topic.Command> topic = topics.actor(m.topic());
          if (topic != null) {
            topic.<Object>unsafeUpcast().tell(new FailureInjection.Fail(m.reason()));
          }
          return Behaviors.same();
        })
        .onMessage(SubscriberDropped.class, m -> {
          counters.increment("subscriber.dropped");
          return Behaviors.same();
        })
        .onMessage(TopicReport.class, m -> {
          topics.report(m.status());
          return Behaviors.same();
        })
        .onMessage(PeersFound.class, this::onPeersFound)
        .onMessage(Located.class, this::onLocated)
        .onMessage(RttMeasured.class, this::onRttMeasured)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(Leave.class, this::onLeave)
        .onMessageEquals(Tick.HEARTBEAT, this::onHeartbeat)
        .onMessageEquals(Tick.DEFERRED_WANTS, this::onDeferredWants)
        // Our streams would otherwise stay open, and peers would keep queueing to a router that is gone.
        .onSignal(PreRestart.class, signal -> closeLinks())
        .onSignal(PostStop.class, signal -> closeLinks())
        .build();
  }

  private Behavior<Command> closeLinks() {
    peers.closeAll();
    return Behaviors.same();
  }

  private Behavior<Command> onLeave(Leave leave) {
    Set<PeerLink> open = new HashSet<>();
    for (ConnectedPeer peer : peers.all()) {
      for (String topic : topics.subscribed()) {
        // Prune first: a mesh peer drops us at once and keeps the backoff, so it does not graft us back meanwhile.
        offer(peer, new Prune(topic, List.of(), settings.pruneBackoff().toMillis()));
        offer(peer, new Unsubscribe(topic));
        counters.increment("left.prunes");
      }
      open.add(peer.link);
    }
    peers.closeAll(); // completes each queue: what was offered above is still sent, then the stream ends
    return leaving(open, leave.replyTo());
  }

  private Behavior<Command> leaving(Set<PeerLink> open, ActorRef<Done> replyTo) {
    if (open.isEmpty()) {
      replyTo.tell(Done.getInstance());
    }
    return Behaviors.receive(Command.class)
        .onMessage(LinkClosed.class, closed -> {
          if (open.remove(closed.link()) && open.isEmpty()) {
            replyTo.tell(Done.getInstance());
          }
          return Behaviors.same();
        })
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(Leave.class, again -> {
          again.replyTo().tell(Done.getInstance());
          return Behaviors.same();
        })
        .onAnyMessage(ignored -> Behaviors.same())
        .build();
  }

  // ---- local API ----

  private Behavior<Command> onSubscribe(SubscribeTopic subscribe) {
    ActorRef<Topic.Command> topic = topic(subscribe.topic());
    if (topics.subscribe(subscribe.topic(), subscribe.subscriber())) {
      for (ConnectedPeer peer : peers.all()) {
        offer(peer, new Subscribe(subscribe.topic()));
      }
    }
    topic.tell(new Topic.Join(subscribe.subscriber()));
    findPeers();
    return Behaviors.same();
  }

  private Behavior<Command> onLeft(Left left) {
    if (topics.left(left.topic(), left.subscriber(), left.none())) {
      for (ConnectedPeer peer : peers.all()) {
        offer(peer, new Unsubscribe(left.topic()));
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> onTopicIdle(TopicIdle idle) {
    if (topics.retire(idle.topic(), idle.actor())) {
      context.stop(idle.actor());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onChokeState(ChokeState state) {
    ConnectedPeer peer = peers.get(state.peer());
    if (peer != null) {
      if (state.choked()) {
        peer.chokedIn.add(state.topic());
      } else {
        peer.chokedIn.remove(state.topic());
      }
    }
    return Behaviors.same();
  }

  /**
   * A restarted topic knows nothing: it gets its peers and local subscribers again (and rejoins its mesh through
   * them). Peers we had choked there are unchoked, since the new topic starts with nobody choked.
   */
  private Behavior<Command> onTopicRestarted(TopicRestarted restarted) {
    if (!topics.isCurrent(restarted.topic(), restarted.actor())) {
      return Behaviors.same();
    }
    counters.increment("topics.restarted");
    for (ConnectedPeer peer : peers.all()) {
      if (peer.chokedIn.remove(restarted.topic())) {
        offer(peer, new Unchoke(restarted.topic()));
      }
    }
    seed(restarted.topic(), restarted.actor());
    topics.subscribers(restarted.topic())
        .forEach(subscriber -> restarted.actor().tell(new Topic.Join(subscriber)));
    return Behaviors.same();
  }

  private Behavior<Command> onPublish(PublishMessage publish) {
    Publish message;
    try {
      message = SignedMessages.sign(keypair, publish.topic(), nextSeqno++, publish.data());
    } catch (IllegalArgumentException e) {
      publish.replyTo().tell(StatusReply.error(e.getMessage()));
      return Behaviors.same();
    }
    MessageId id = MessageId.of(message);
    seen.firstSeen(id, clock.millis());
    cache.put(message);
    counters.increment("published");
    topic(publish.topic()).tell(new Topic.LocalPublish(message, id, publish.replyTo()));
    findPeers();
    return Behaviors.same();
  }

  /**
   * The topic's actor, created on first use and told which connected peers announced the topic. A failing topic
   * restarts and is re-seeded ({@link #onTopicRestarted}).
   */
  private ActorRef<Topic.Command> topic(String name) {
    ActorRef<Topic.Command> existing = topics.actor(name);
    if (existing != null) {
      return existing;
    }
    Behavior<Topic.Command> behavior = Topic.create(name, keypair.nodeId(), settings, context.getSelf(),
        topics.countersFor(name), clock, new Random(random.nextLong()));
    ActorRef<Topic.Command> topic = context.<Object>spawnAnonymous(
        Behaviors.supervise(FailureInjection.injectable(behavior)).onFailure(SupervisorStrategy.restart())).narrow();
    topics.add(name, topic);
    seed(name, topic);
    return topic;
  }

  /** Tells a topic the round-trip times of our peers and hands it the links of those subscribed to it. */
  private void seed(String name, ActorRef<Topic.Command> topic) {
    for (ConnectedPeer peer : peers.all()) {
      if (peer.rttMillis >= 0) {
        topic.tell(new Topic.PeerRtt(peer.contact.id(), peer.rttMillis));
      }
      if (peer.topics.contains(name)) {
        topic.tell(new Topic.PeerSubscribed(peer.contact, peer.link));
      }
    }
  }

  // ---- peers and streams ----

  private void connect(Contact contact) {
    NodeId id = contact.id();
    if (id.equals(keypair.nodeId()) || peers.contains(id)) {
      return;
    }
    ActorRef<Command> self = context.getSelf();
    PeerLink[] holder = new PeerLink[1];
    PeerLink link = PeerLink.open(transport, contact, settings.maxPeerQueueBytes(), context.getSystem(),
        failure -> self.tell(new LinkClosed(id, holder[0], failure)));
    holder[0] = link;
    ConnectedPeer peer = peers.add(contact, link);
    counters.increment("peers.connected");
    announceSubscriptions(peer);
    probeRtt(peer);
  }

  private void announceSubscriptions(ConnectedPeer peer) {
    for (String topic : topics.subscribed()) {
      offer(peer, new Subscribe(topic));
    }
  }

  /** Measures the round-trip time to a peer with a DHT Ping (answered by its DHT, as any node answers). */
  private void probeRtt(ConnectedPeer peer) {
    long sent = clock.millis();
    peer.lastProbeMillis = sent;
    NodeId id = peer.contact.id();
    context.pipeToSelf(transport.request(peer.contact, new Ping(self), settings.rttProbeInterval()),
        (reply, failure) -> new RttMeasured(id, peer.link, sent, failure == null));
  }

  private Behavior<Command> onRttMeasured(RttMeasured measured) {
    ConnectedPeer peer = peers.get(measured.peer());
    if (peer == null || peer.link != measured.link() || !measured.answered()) {
      return Behaviors.same();
    }
    double sample = clock.millis() - measured.sentMillis();
    // Smoothed like TCP's SRTT: one slow answer does not reorder the mesh.
    peer.rttMillis = peer.rttMillis < 0 ? sample : 0.75 * peer.rttMillis + 0.25 * sample;
    Topic.PeerRtt rtt = new Topic.PeerRtt(measured.peer(), peer.rttMillis);
    topics.actors().forEach(t -> t.tell(rtt));
    return Behaviors.same();
  }

  private Behavior<Command> onLinkClosed(LinkClosed closed) {
    if (peers.removeIfLink(closed.peer(), closed.link()) == null) {
      return Behaviors.same();
    }
    promises.forgetPeer(closed.peer());
    deferredWants.forgetPeer(closed.peer());
    counters.increment("peers.lost");
    counters.increment("peers.lost." + lossReason(closed.failure()));
    topics.actors().forEach(t -> t.tell(new Topic.PeerGone(closed.peer())));
    return Behaviors.same();
  }

  /** Why a link ended, for the {@code peers.lost.*} counters: the transport's kind of failure, or "ended". */
  private static String lossReason(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    if (cause == null) {
      return "ended";
    }
    return cause instanceof TransportException t
        ? t.kind().name().toLowerCase(Locale.ROOT) : cause.getClass().getSimpleName();
  }

  private Behavior<Command> onInboundStream(InboundStream inbound) {
    NodeId peer = inbound.peer();
    inbound.messages()
        // While the router works, a stream's next messages gather into one hand-off (and one acknowledgement).
        .batch(MAX_INBOUND_BATCH, GossipRouter::firstOfBatch, GossipRouter::addToBatch)
        .runWith(ActorSink.<List<Message>, Command, Ack>actorRefWithBackpressure(context.getSelf(),
            (ack, batch) -> new FromPeer(peer, batch, ack),
            ack -> new StreamStarted(peer, ack), Ack.INSTANCE, new StreamEnded(peer, null),
            failure -> new StreamEnded(peer, failure)), context.getSystem());
    if (peers.inboundOpened(peer)) {
      counters.increment("peers.reopened");
      announceSubscriptions(peers.get(peer));
    }
    if (peers.startLocating(peer)) {
      // To answer we need our own stream back, so the peer's address: the DHT knows or finds it.
      dht.tell(new Dht.Locate(peer, Replies.once(context, Duration.ofSeconds(30),
          (StatusReply<Contact> contact) -> new Located(peer, contact),
          () -> new Located(peer, StatusReply.error("timed out")))));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onLocated(Located located) {
    peers.locatingDone(located.peer());
    if (located.contact().isSuccess()) {
      connect(located.contact().getValue());
    } else {
      counters.increment("peers.unlocatable");
    }
    return Behaviors.same();
  }

  private Behavior<Command> onPeersFound(PeersFound found) {
    List<PeerInfo> candidates = new ArrayList<>(found.peers());
    java.util.Collections.shuffle(candidates, random);
    for (PeerInfo info : candidates) {
      if (peers.size() >= settings.connectPeers()) {
        break;
      }
      connect(info.contact());
    }
    return Behaviors.same();
  }

  // ---- inbound gossip ----

  private static List<Message> firstOfBatch(Message first) {
    List<Message> batch = new ArrayList<>();
    batch.add(first);
    return batch;
  }

  private static List<Message> addToBatch(List<Message> batch, Message next) {
    batch.add(next);
    return batch;
  }

  private Behavior<Command> onFromPeer(FromPeer from) {
    try {
      for (Message message : from.messages()) {
        onMessageFrom(from.peer(), message);
      }
    } finally {
      from.ack().tell(Ack.INSTANCE);
    }
    return Behaviors.same();
  }

  private void onMessageFrom(NodeId from, Message received) {
    ConnectedPeer peer = peers.get(from);
    if (!(received instanceof GossipMessage message)) {
      counters.increment("rejected.not-gossip");
    } else if (message instanceof Publish publish) {
      onPublishFrom(from, publish);
    } else if (message instanceof Subscribe s) {
      if (peer != null && peer.topics.add(s.topic())) {
        tellTopic(s.topic(), new Topic.PeerSubscribed(peer.contact, peer.link));
      }
    } else if (message instanceof Unsubscribe u) {
      if (peer != null && peer.topics.remove(u.topic())) {
        tellTopic(u.topic(), new Topic.PeerUnsubscribed(from));
      }
    } else if (message instanceof Graft graft) {
      onGraft(from, peer, graft);
    } else if (message instanceof Prune prune) {
      if (peer != null) {
        peer.chokedIn.remove(prune.topic());
      }
      tellTopic(prune.topic(), new Topic.PruneFrom(from, prune.backoffMillis(), prune.peerExchange()));
    } else if (message instanceof IHave iHave) {
      onIHave(from, peer, iHave);
    } else if (message instanceof IWant iWant) {
      onIWant(from, peer, iWant);
    } else if (message instanceof Choke choke) {
      tellTopic(choke.topic(), new Topic.ChokeFrom(from, true));
    } else if (message instanceof Unchoke unchoke) {
      tellTopic(unchoke.topic(), new Topic.ChokeFrom(from, false));
    }
  }

  private void tellTopic(String name, Topic.Command command) {
    ActorRef<Topic.Command> topic = topics.actor(name);
    if (topic != null) {
      topic.tell(command);
    }
  }

  private void onPublishFrom(NodeId from, Publish publish) {
    MessageId id = MessageId.of(publish);
    long now = clock.millis();
    if (seen.contains(id, now)) {
      counters.increment("duplicates");
      return;
    }
    // Verify before marking seen: an invalid copy must not shadow the genuine message with the same id.
    Verification verification = SignedMessages.verify(publish);
    if (!verification.isValid()) {
      counters.increment("rejected.invalid-signature");
      return;
    }
    seen.firstSeen(id, now);
    cache.put(publish);
    promises.delivered(id);
    lag.received(id, from, now);
    counters.increment("received");
    ActorRef<Topic.Command> topic = topics.actor(publish.topic());
    if (topic != null && topics.isSubscribed(publish.topic())) {
      topic.tell(new Topic.Deliver(publish, id, from));
    }
  }

  private void onGraft(NodeId from, ConnectedPeer peer, Graft graft) {
    ActorRef<Topic.Command> topic = topics.isSubscribed(graft.topic()) ? topics.actor(graft.topic()) : null;
    if (peer == null) {
      return;
    }
    if (topic == null) {
      offer(peer, new Prune(graft.topic(), List.of(), settings.pruneBackoff().toMillis()));
      counters.increment("prunes.not_subscribed");
      return;
    }
    topic.tell(new Topic.GraftFrom(peer.contact, peer.link));
  }

  private void onIHave(NodeId from, ConnectedPeer peer, IHave iHave) {
    if (peer == null || !topics.isSubscribed(iHave.topic())) {
      return;
    }
    long now = clock.millis();
    if (peer.chokedIn.contains(iHave.topic())) {
      onAnnouncement(from, peer, iHave, now);
      return;
    }
    List<MessageId> unseen = new ArrayList<>();
    for (byte[] raw : iHave.messageIds()) {
      MessageId id = MessageId.fromBytes(raw);
      if (!seen.contains(id, now)) {
        unseen.add(id);
      }
    }
    List<MessageId> admitted = iHaveBudget.admit(from, unseen, random);
    admitted.forEach(id -> lag.announced(id, now));
    askOrDefer(from, peer, admitted, lag.waitMillis(), now);
  }

  /** Asks for announced messages now, or after {@code waitMillis} those still missing then (see AnnouncementLag). */
  private void askOrDefer(NodeId from, ConnectedPeer peer, List<MessageId> ids, long waitMillis, long now) {
    if (ids.isEmpty()) {
      return;
    }
    if (waitMillis == 0) {
      askFor(from, peer, ids, now);
      return;
    }
    ids.forEach(id -> deferredWants.defer(id, from, now + waitMillis));
    scheduleDeferredWants(now);
  }

  /** Sets the timer for the next due message, unless it is already set for that time or sooner. */
  private void scheduleDeferredWants(long now) {
    deferredWants.nextDue().ifPresent(due -> {
      if (due < deferredWantsTimerAt) {
        deferredWantsTimerAt = due;
        timers.startSingleTimer(Tick.DEFERRED_WANTS, Duration.ofMillis(Math.max(1, due - now)));
      }
    });
  }

  /**
   * An IHave from a peer we choked announces what it would have pushed, batched (so only the id budget applies).
   * It counts as first for each message we had not seen, or had seen later than the peer's push would have reached
   * us (its hold time before now: the IHave took the push's path) by at least {@code unchoke-margin}, which is what
   * may get it unchoked. The margin is hysteresis: under load an IHave meets a shorter queue here than the burst of
   * copies its push would have met, and without it a node unchoked 4 times as often (50 QUIC nodes). A message still
   * missing is asked for {@code iwant-delay} (or the measured lag of copies behind announcements, if longer) after the
   * IHave arrived, whatever its hold time: under load a batch arrives while the unchoked peers' copies are still
   * queued, and asking at once flooded announcers with IWants for messages already on their way (twice the ids asked
   * for on 50 QUIC nodes, and the slow-subscriber test fell behind).
   */
  private void onAnnouncement(NodeId from, ConnectedPeer peer, IHave iHave, long now) {
    long margin = settings.choke().unchokeMarginMillis();
    int first = 0;
    List<MessageId> unseen = new ArrayList<>();
    for (int i = 0; i < iHave.messageIds().size(); i++) {
      MessageId id = MessageId.fromBytes(iHave.messageIds().get(i));
      int held = iHave.heldMillis(i);
      long seenAt = seen.firstSeenAt(id, now);
      if (seenAt >= 0) {
        if (now - held + margin < seenAt) {
          first++;
        }
        continue;
      }
      first++;
      unseen.add(id);
    }
    if (first > 0) {
      tellTopic(iHave.topic(), new Topic.AnnouncedFirst(from, first));
    }
    if (unseen.isEmpty()) {
      return;
    }
    List<MessageId> admitted = iHaveBudget.admitAnnouncement(from, unseen, random);
    admitted.forEach(id -> lag.announced(id, now));
    askOrDefer(from, peer, admitted, Math.max(settings.choke().iWantDelayMillis(), lag.waitMillis()), now);
  }

  /** IWant for the announced messages that nobody delivered while they waited. */
  private Behavior<Command> onDeferredWants() {
    long now = clock.millis();
    deferredWantsTimerAt = Long.MAX_VALUE;
    deferredWants.due(now, id -> !seen.contains(id, now)).forEach((from, ids) -> {
      ConnectedPeer peer = peers.get(from);
      if (peer != null) {
        askFor(from, peer, ids, now);
      }
    });
    scheduleDeferredWants(now);
    return Behaviors.same();
  }

  private void askFor(NodeId from, ConnectedPeer peer, List<MessageId> wanted, long now) {
    if (!wanted.isEmpty()) {
      promises.promise(from, wanted, now, random);
      wanted.forEach(id -> lag.asked(id, from));
      offer(peer, new IWant(wanted.stream().map(MessageId::bytes).toList()));
      counters.add("iwant.asked", wanted.size());
    }
  }

  private void onIWant(NodeId from, ConnectedPeer peer, IWant iWant) {
    if (peer == null) {
      return;
    }
    IWantAnswer answer = cache.answerIWant(from, iWant.messageIds());
    answer.messages().forEach(m -> offer(peer, m));
    counters.add("iwant.answered", answer.messages().size());
    counters.add("iwant.ignored", answer.ignored());
  }

  // ---- sending (topics send their mesh traffic themselves) ----

  private Behavior<Command> onGossip(Gossip gossip) {
    List<MessageId> ids = cache.gossipIds(gossip.topic());
    if (ids.isEmpty()) {
      return Behaviors.same();
    }
    if (ids.size() > org.quicmesh.wire.Limits.MAX_MESSAGE_IDS) {
      ids = new ArrayList<>(ids);
      java.util.Collections.shuffle(ids, random);
      ids = ids.subList(0, org.quicmesh.wire.Limits.MAX_MESSAGE_IDS);
    }
    IHave iHave = new IHave(gossip.topic(), ids.stream().map(MessageId::bytes).toList());
    for (NodeId target : gossip.targets()) {
      ConnectedPeer peer = peers.get(target);
      if (peer != null) {
        offer(peer, iHave);
      }
    }
    return Behaviors.same();
  }

  /** Queues a message to a peer; a full queue means a slow peer, pruned from every mesh instead of buffered. */
  private void offer(ConnectedPeer peer, GossipMessage message) {
    if (peer.link.offer(message)) {
      WireSize.countSent(message, counters::add);
      return;
    }
    counters.increment("peers.slow");
    context.getLog().debug("peer {} reads too slowly: pruned from every mesh", peer.contact);
    topics.actors().forEach(t -> t.tell(new Topic.Slow(peer.contact.id())));
  }

  // ---- heartbeat ----

  private Behavior<Command> onHeartbeat() {
    long now = clock.millis();
    heartbeats++;
    cache.shift();
    iHaveBudget.heartbeat();
    lag.expire(now - cacheHoldMillis);
    Map<NodeId, Integer> broken = promises.expired(now);
    broken.values().forEach(n -> counters.add("promises.broken", n));
    topics.actors().forEach(t -> t.tell(Topic.Heartbeat.INSTANCE));
    for (ConnectedPeer peer : peers.all()) {
      if (now - peer.lastProbeMillis >= settings.rttProbeInterval().toMillis()) {
        probeRtt(peer);
      }
    }
    if (heartbeats % 5 == 1) {
      findPeers();
    }
    return Behaviors.same();
  }

  /**
   * Asks the DHT for peers to stream with, while we have topics and fewer peers than wanted. A node without topics
   * opens no streams of its own (it still answers peers that open theirs), so DHT-only nodes pay nothing for gossip.
   */
  private void findPeers() {
    if (!topics.isEmpty() && peers.size() < settings.connectPeers()) {
      dht.tell(new Dht.GetPeers(Replies.once(context, Duration.ofSeconds(10), PeersFound::new,
          () -> new PeersFound(List.of()))));
    }
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    Map<String, Long> all = new java.util.TreeMap<>(counters.snapshot());
    topics.addCountsTo(all);
    if (cache.evictedForBytes() > 0) {
      all.put("mcache.evicted-for-bytes", cache.evictedForBytes());
    }
    get.replyTo().tell(new PubSubStatus(peers.size(), topics.subscribedSorted(), topics.size(), topics.reports(),
        Map.copyOf(all)));
    return Behaviors.same();
  }
}
