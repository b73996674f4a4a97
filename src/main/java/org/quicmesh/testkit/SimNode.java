package org.quicmesh.testkit;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.quicmesh.connect.ConnectionInfo;
import org.quicmesh.dht.LookupResult;
import org.quicmesh.dht.PutResult;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.NodeId;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.NodeStatus;
import org.quicmesh.node.PeerTarget;
import org.quicmesh.node.Pong;
import org.quicmesh.pubsub.MessageId;
import org.quicmesh.pubsub.ReceivedMessage;
import org.quicmesh.simulation.SimCluster;
import org.quicmesh.simulation.SimulatedMesh;

/**
 * One node of a {@link MeshSimulation}: the real node behavior on the simulated network. Send it
 * {@link MeshNode.Command}s through {@link #ref()} (any {@code ActorRef} as {@code replyTo}, a Pekko {@code TestProbe}'s
 * too), or use the calls of the {@link org.quicmesh.node.Quicmesh} facade, which return stages the simulation
 * completes.
 *
 * <p>A call only sends its command: nothing happens until the simulation runs virtual time, e.g.
 * {@code mesh.runUntil(node.put(value), Duration.ofSeconds(30))}. Stages fail with the node's error (a
 * {@code StatusReply.ErrorMessage}) as the facade's do; unlike the facade's they have no timeout of their own (the
 * {@code runUntil} bound is the timeout). Their callbacks run on the simulation's thread, inside virtual time.
 */
public final class SimNode {

  private final SimCluster cluster;
  private final SimulatedMesh.Member member;
  private CompletableFuture<Done> stopped;

  SimNode(SimCluster cluster, SimulatedMesh.Member member) {
    this.cluster = cluster;
    this.member = member;
  }

  /** The node's position in {@link MeshSimulation#nodes()}, from 0. */
  public int index() {
    return member.index();
  }

  /** The node's identity (BLAKE3 of its Ed25519 public key), drawn from the simulation's seed. */
  public NodeId id() {
    return member.keypair().nodeId();
  }

  /** The node's public simulated address; empty for a node behind a NAT (it has only its router's mappings). */
  public Optional<InetSocketAddress> address() {
    return Optional.ofNullable(member.address());
  }

  /** The node actor, for sending {@link MeshNode.Command}s directly. */
  public ActorRef<MeshNode.Command> ref() {
    return member.node();
  }

  /** Sends a command; it is processed when the simulation next runs. */
  public void tell(MeshNode.Command command) {
    member.node().tell(command);
  }

  /** Pings a peer by address or by NodeId (located through the DHT); the verified id and the RTT. */
  public CompletionStage<Pong> ping(PeerTarget target) {
    return cluster.sendWithStatus(member.node(), replyTo -> new MeshNode.Ping(target, replyTo));
  }

  /** Pings another simulated node, located by its NodeId through the DHT. */
  public CompletionStage<Pong> ping(SimNode peer) {
    return ping(PeerTarget.of(peer.id()));
  }

  /** The node's identity, addresses, routing-table contacts and telemetry. */
  public CompletionStage<NodeStatus> status() {
    return cluster.sendWithStatus(member.node(), MeshNode.GetStatus::new);
  }

  /** The 20 contacts closest to {@code target} by an iterative lookup, with the lookup's statistics. */
  public CompletionStage<LookupResult> findNode(NodeId target) {
    return cluster.sendWithStatus(member.node(), replyTo -> new MeshNode.FindNode(target, replyTo));
  }

  /** Stores a value at the closest nodes under its BLAKE3 key. */
  public CompletionStage<PutResult> put(byte[] value) {
    return cluster.sendWithStatus(member.node(), replyTo -> new MeshNode.Put(value, replyTo));
  }

  /** Fetches a value by key; fails with "not found" when no node has it. */
  public CompletionStage<byte[]> get(Key key) {
    return cluster.sendWithStatus(member.node(), replyTo -> new MeshNode.Get(key, replyTo));
  }

  /** Whether this node holds the value under {@code key} itself (no network query). */
  public CompletionStage<Boolean> holdsValue(Key key) {
    return cluster.sendWithStatus(member.node(), replyTo -> new MeshNode.HoldsValue(key, replyTo));
  }

  /** Publishes the node's signed endpoint record into the DHT. */
  public CompletionStage<EndpointRecord> publishAddress() {
    return cluster.sendWithStatus(member.node(), MeshNode.PublishAddress::new);
  }

  /** Finds and verifies another node's endpoint record. */
  public CompletionStage<EndpointRecord> resolve(NodeId peer) {
    return cluster.sendWithStatus(member.node(), replyTo -> new MeshNode.Resolve(peer, replyTo));
  }

  /** Connects to a node known only by its NodeId (directly or through one of its relays). */
  public CompletionStage<ConnectionInfo> connect(NodeId peer) {
    return cluster.sendWithStatus(member.node(), replyTo -> new MeshNode.Connect(peer, replyTo));
  }

  /** Sends bytes to a node, connecting first if needed; completes once the peer acknowledged all of them. */
  public CompletionStage<Done> send(NodeId peer, byte[] data) {
    return cluster.sendWithStatus(member.node(), replyTo -> new MeshNode.SendData(peer, data, replyTo));
  }

  /**
   * Subscribes to a topic and collects what arrives in the returned inbox (where the facade would give a stream).
   * The node joins the topic's mesh.
   */
  public TopicInbox subscribe(String topic) {
    TopicInbox inbox = new TopicInbox(topic);
    ActorRef<ReceivedMessage> collector =
        cluster.collector((ReceivedMessage message) -> inbox.add(message, cluster.nowMillis()));
    tell(new MeshNode.Subscribe(topic, collector));
    return inbox;
  }

  /** The typed-actor variant: {@code subscriber} receives every message of the topic until it stops. */
  public void subscribe(String topic, ActorRef<ReceivedMessage> subscriber) {
    tell(new MeshNode.Subscribe(topic, subscriber));
  }

  /** Publishes a signed message; completes once a peer's link accepted it, fails when no peer is known. */
  public CompletionStage<MessageId> publish(String topic, byte[] data) {
    return cluster.sendWithStatus(member.node(), replyTo -> new MeshNode.Publish(topic, data, replyTo));
  }

  /** Completes when the topic's mesh has reached D_low peers. */
  public CompletionStage<Done> whenTopicReady(String topic) {
    return cluster.send(member.node(), replyTo -> new MeshNode.WhenTopicReady(topic, replyTo));
  }

  /**
   * Leaves cleanly (prunes gossip peers, closes connections) and stops the node; completes when it has. Calling it
   * again returns the same stage.
   */
  public CompletionStage<Done> shutdown() {
    if (stopped == null) {
      stopped = cluster.send(member.node(), MeshNode.Stop::new);
    }
    return stopped;
  }

  @Override
  public String toString() {
    return "SimNode[" + index() + " " + id() + "]";
  }
}
