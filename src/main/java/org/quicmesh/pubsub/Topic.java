package org.quicmesh.pubsub;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Choke;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.GossipMessage;
import org.quicmesh.wire.IHave;
import org.quicmesh.wire.Publish;
import org.quicmesh.wire.Unchoke;

/**
 * The actor of one topic we subscribe to or publish to: owns its {@link TopicMesh} and its local subscribers, turns
 * mesh decisions into messages, delivers messages locally and forwards them to the mesh. It writes to its peers'
 * {@link PeerLink}s itself (the router hands it each peer's link with the news of the peer) and counts what it sends
 * in its {@link TopicCounters}, so a forwarded message costs no round trip through the {@link GossipRouter}. Stops
 * itself when nobody subscribes and its fanout expired.
 */
final class Topic {

  sealed interface Command {}

  /** A peer announced the topic; {@code link} is our stream to it. */
  record PeerSubscribed(Contact peer, PeerLink link) implements Command {}

  record PeerUnsubscribed(NodeId peer) implements Command {}

  record PeerGone(NodeId peer) implements Command {}

  record GraftFrom(Contact peer, PeerLink link) implements Command {}

  record PruneFrom(NodeId peer, long backoffMillis, List<Contact> peerExchange) implements Command {}

  /** A verified message seen for the first time, from {@code fromPeer}. */
  record Deliver(Publish message, MessageId id, NodeId fromPeer) implements Command {}

  record LocalPublish(Publish message, MessageId id, ActorRef<StatusReply<MessageId>> replyTo) implements Command {}

  record Join(ActorRef<ReceivedMessage> subscriber) implements Command {}

  record Leave(ActorRef<ReceivedMessage> subscriber) implements Command {}

  record WhenReady(ActorRef<Done> replyTo) implements Command {}

  record Slow(NodeId peer) implements Command {}

  /** A peer sent Choke ({@code choke}) or Unchoke for this topic. */
  record ChokeFrom(NodeId peer, boolean choke) implements Command {}

  /** A peer's IHave announced {@code count} messages we had not seen. */
  record AnnouncedFirst(NodeId peer, int count) implements Command {}

  /** The router measured the round-trip time to a peer. */
  record PeerRtt(NodeId peer, double millis) implements Command {}

  enum Heartbeat implements Command { INSTANCE }

  /** The announcements collected for peers that choked us go out. */
  private enum FlushAnnouncements implements Command { INSTANCE }

  private final ActorContext<Command> context;
  private final String name;
  private final TopicMesh mesh;
  private final Choking choking;
  private final Announcements announcements;
  private final TimerScheduler<Command> timers;
  private final ActorRef<GossipRouter.Command> router;
  private final TopicCounters counters;
  private final Clock clock;
  private final Random random;
  private final List<ActorRef<ReceivedMessage>> subscribers = new ArrayList<>();
  private final List<ActorRef<Done>> readyWaiters = new ArrayList<>();
  /** Our streams to the peers the router told us of; forgotten when the peer is gone. */
  private final Map<NodeId, PeerLink> links = new HashMap<>();

  private Topic(ActorContext<Command> context, TimerScheduler<Command> timers, String name, TopicMesh mesh,
      ActorRef<GossipRouter.Command> router, TopicCounters counters, Clock clock, Random random) {
    this.context = context;
    this.timers = timers;
    this.announcements = new Announcements(name);
    this.name = name;
    this.mesh = mesh;
    this.choking = new Choking(mesh.settings().choke());
    this.router = router;
    this.counters = counters;
    this.clock = clock;
    this.random = random;
  }

  /** @param counters owned by the router, so they outlive this actor's restarts */
  static Behavior<Command> create(String name, NodeId self, PubSubSettings settings,
      ActorRef<GossipRouter.Command> router, TopicCounters counters, Clock clock, Random random) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Topic(ctx, timers, name,
        new TopicMesh(name, self, settings), router, counters, clock, random).behavior()));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(PeerSubscribed.class, m -> {
          links.put(m.peer().id(), m.link());
          mesh.peerSubscribed(m.peer());
          return Behaviors.same();
        })
        .onMessage(PeerUnsubscribed.class, m -> {
          mesh.peerUnsubscribed(m.peer());
          choking.forget(m.peer());
          announcements.forget(m.peer());
          return Behaviors.same();
        })
        .onMessage(PeerGone.class, m -> {
          links.remove(m.peer());
          mesh.peerDisconnected(m.peer());
          choking.forget(m.peer());
          announcements.forget(m.peer());
          return Behaviors.same();
        })
        .onMessage(PeerRtt.class, m -> {
          mesh.peerRtt(m.peer(), m.millis());
          return Behaviors.same();
        })
        .onMessage(ChokeFrom.class, this::onChoke)
        .onMessage(AnnouncedFirst.class, m -> {
          choking.announcedFirst(m.peer(), m.count());
          return Behaviors.same();
        })
        .onMessage(GraftFrom.class, this::onGraft)
        .onMessage(PruneFrom.class, this::onPrune)
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(LocalPublish.class, this::onLocalPublish)
        .onMessage(Join.class, this::onJoin)
        .onMessage(Leave.class, this::onLeave)
        .onMessage(WhenReady.class, m -> {
          readyWaiters.add(m.replyTo());
          checkReady();
          return Behaviors.same();
        })
        .onMessage(Slow.class, m -> {
          MeshAction.SendPrune prune = mesh.markSlow(m.peer(), clock.millis());
          if (prune != null) {
            send(prune);
          }
          return Behaviors.same();
        })
        .onMessageEquals(Heartbeat.INSTANCE, this::onHeartbeat)
        .onMessageEquals(FlushAnnouncements.INSTANCE, () -> {
          announcements.drain(clock.millis()).forEach(this::sendAnnouncement);
          return Behaviors.same();
        })
        .onSignal(PreRestart.class, signal -> {
          // The restarted topic starts empty; the router re-seeds it with peers and local subscribers.
          router.tell(new GossipRouter.TopicRestarted(name, context.getSelf()));
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onGraft(GraftFrom graft) {
    links.put(graft.peer().id(), graft.link());
    if (mesh.onGraft(graft.peer(), clock.millis()) instanceof GraftDecision.Refused refused) {
      send(refused.prune());
    }
    checkReady();
    return Behaviors.same();
  }

  private Behavior<Command> onChoke(ChokeFrom choke) {
    if (mesh.isMeshPeer(choke.peer())) {
      choking.chokedBy(choke.peer(), choke.choke());
      counters.increment(choke.choke() ? "chokes.received" : "unchokes.received");
    } else {
      counters.increment("rejected.choke-outside-mesh");
    }
    return Behaviors.same();
  }

  private Behavior<Command> onPrune(PruneFrom prune) {
    choking.forget(prune.peer());
    List<Contact> exchange = mesh.onPrune(prune.peer(), prune.backoffMillis(), prune.peerExchange(), clock.millis());
    if (!exchange.isEmpty()) {
      router.tell(new GossipRouter.Connect(exchange));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onDeliver(Deliver deliver) {
    Publish message = deliver.message();
    NodeId origin = NodeId.fromPublicKey(message.origin());
    ReceivedMessage received = new ReceivedMessage(name, origin, deliver.id(), message.payload(), deliver.fromPeer());
    subscribers.forEach(s -> s.tell(received));
    choking.firstCopyFrom(deliver.fromPeer(), deliver.fromPeer().equals(origin));
    if (choking.firstDecisionDue()) {
      sendChokes(choking.firstDecision(mesh.meshPeers()));
    }
    for (NodeId peer : mesh.forwardTargets(deliver.fromPeer(), origin)) {
      if (choking.isChokedBy(peer)) {
        announce(peer, deliver.id());
      } else {
        send(peer, message);
      }
    }
    return Behaviors.same();
  }

  /** Tells a peer that choked us that we have the message: at once, or in the next batch of announcements. */
  private void announce(NodeId peer, MessageId id) {
    long delay = mesh.settings().choke().announceDelayMillis();
    if (delay == 0) {
      sendAnnouncement(peer, new IHave(name, List.of(id.bytes())));
      return;
    }
    if (announcements.isEmpty()) {
      timers.startSingleTimer(FlushAnnouncements.INSTANCE, Duration.ofMillis(delay));
    }
    IHave full = announcements.add(peer, id, clock.millis());
    if (full != null) {
      sendAnnouncement(peer, full);
    }
  }

  private void sendAnnouncement(NodeId peer, IHave announcement) {
    if (send(peer, announcement) == Sent.ACCEPTED) {
      counters.increment("announcements.sent");
      counters.add("announcements.ids", announcement.messageIds().size());
    }
  }

  private Behavior<Command> onLocalPublish(LocalPublish publish) {
    List<NodeId> targets = mesh.publishTargets(clock.millis(), random, null);
    if (targets.isEmpty()) {
      publish.replyTo().tell(StatusReply.error("no peer is known for topic '" + name + "': the message was not sent"));
      return Behaviors.same();
    }
    int accepted = 0;
    int full = 0;
    for (NodeId peer : targets) {
      switch (send(peer, publish.message())) {
        case ACCEPTED -> accepted++;
        case FULL -> full++;
        case NO_LINK -> { }
      }
    }
    if (accepted > 0) {
      publish.replyTo().tell(StatusReply.success(publish.id()));
    } else {
      publish.replyTo().tell(StatusReply.error("no peer link of topic '" + name + "' accepted the message: "
          + full + " of " + targets.size() + " peer(s) read too slowly (their queues are full), the others are no"
          + " longer connected"));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onJoin(Join join) {
    subscribers.add(join.subscriber());
    context.watchWith(join.subscriber(), new Leave(join.subscriber()));
    mesh.join(clock.millis(), random).forEach(this::send);
    checkReady();
    return Behaviors.same();
  }

  private Behavior<Command> onLeave(Leave leave) {
    // The watch outlives an explicit unsubscribe, so the same subscriber may leave twice.
    if (!subscribers.remove(leave.subscriber())) {
      return Behaviors.same();
    }
    if (subscribers.isEmpty()) {
      mesh.leave(clock.millis(), random).forEach(this::send);
    }
    router.tell(new GossipRouter.Left(name, leave.subscriber(), subscribers.isEmpty()));
    return Behaviors.same();
  }

  private Behavior<Command> onHeartbeat() {
    HeartbeatResult result = mesh.heartbeat(clock.millis(), random);
    result.grafts().forEach(this::send);
    result.prunes().forEach(this::send);
    sendChokes(choking.heartbeat(mesh.meshPeers())); // also forgets peers that left the mesh
    router.tell(new GossipRouter.TopicReport(new TopicStatus(name, mesh.isSubscribed(), mesh.isReady(),
        mesh.knownPeers().size(), mesh.meshSize(), mesh.fanoutPeers().size(), choking.chokedPeers().size(),
        choking.chokingUs().size(), mesh.meshRttMedianMillis())));
    if (!result.gossip().isEmpty()) {
      router.tell(new GossipRouter.Gossip(name, result.gossipTargets()));
    }
    checkReady();
    if (result.fanoutExpired() && subscribers.isEmpty() && !mesh.isSubscribed()) {
      router.tell(new GossipRouter.TopicIdle(name, context.getSelf()));
    }
    return Behaviors.same();
  }

  private void sendChokes(Choking.Decision chokes) {
    for (NodeId peer : chokes.choke()) {
      if (send(peer, new Choke(name)) == Sent.ACCEPTED) {
        counters.increment("chokes.sent");
      }
      router.tell(new GossipRouter.ChokeState(peer, name, true));
    }
    for (NodeId peer : chokes.unchoke()) {
      if (send(peer, new Unchoke(name)) == Sent.ACCEPTED) {
        counters.increment("unchokes.sent");
      }
      router.tell(new GossipRouter.ChokeState(peer, name, false));
    }
  }

  private void send(MeshAction action) {
    if (action instanceof MeshAction.SendGraft graft) {
      send(graft.peer(), graft.message());
    } else if (action instanceof MeshAction.SendPrune prune) {
      send(prune.peer(), prune.message());
      // A pruned peer is no longer choked by us there: its IHaves are gossip again.
      router.tell(new GossipRouter.ChokeState(prune.peer(), name, false));
      counters.increment("prunes." + prune.reason().name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** What became of a message for a peer. */
  private enum Sent { ACCEPTED, FULL, NO_LINK }

  /**
   * Queues a message on the peer's link. A full queue means a slow peer: the router has every topic prune it (this
   * one included) instead of buffering more. A peer without a link is gone; the router's news of that is on its way.
   */
  private Sent send(NodeId peer, GossipMessage message) {
    PeerLink link = links.get(peer);
    if (link == null) {
      return Sent.NO_LINK;
    }
    if (link.offer(message)) {
      WireSize.countSent(message, counters::add);
      return Sent.ACCEPTED;
    }
    counters.increment("peers.slow");
    context.getLog().debug("peer {} reads too slowly: pruned from every mesh", peer);
    router.tell(new GossipRouter.PeerSlow(peer));
    return Sent.FULL;
  }

  private void checkReady() {
    if (mesh.isReady() && !readyWaiters.isEmpty()) {
      readyWaiters.forEach(r -> r.tell(Done.getInstance()));
      readyWaiters.clear();
    }
  }
}
