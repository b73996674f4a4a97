package org.quicmesh.node;

import java.util.List;
import org.quicmesh.connect.ConnectionEvent;
import org.quicmesh.connect.ConnectionInfo;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.nat.NatClassification;
import org.quicmesh.dht.LookupResult;
import org.quicmesh.dht.PutResult;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.pubsub.MessageId;
import org.quicmesh.pubsub.ReceivedMessage;

/**
 * The public protocol of a Quicmesh node. Spawn {@link #create} in your own {@code ActorSystem} and send it
 * {@link Command}s; every reply goes to the {@code replyTo} in the command. Commands sent before the node is listening
 * wait until it is (or are answered with an error if it fails to start).
 */
public final class MeshNode {
  private MeshNode() {}

  /** Everything a user may send to a node. */
  public sealed interface Command extends NodeGuardian.Message
      permits Ping, GetStatus, FindNode, Put, Get, HoldsValue, PublishAddress, Resolve, Subscribe, Unsubscribe,
      Publish, WhenTopicReady, Nat, Connect, SendData, GetConnections, WatchConnections, Stop {}

  /** A command answered with a {@link StatusReply}: a node that cannot serve it answers with an error. */
  public interface WithStatusReply<T> {
    ActorRef<StatusReply<T>> replyTo();
  }

  /**
   * What NAT the node sits behind, with the evidence: the last verdict, or the first run's once it ends; with
   * {@code rerun} a fresh run's (runs within a NAT mapping lifetime of each other can misread a restricted cone).
   */
  public record Nat(boolean rerun, ActorRef<StatusReply<NatClassification>> replyTo)
      implements Command, WithStatusReply<NatClassification> {}

  /** Pings a peer (by address, or by NodeId located through the DHT); replies with the verified id and the RTT. */
  public record Ping(PeerTarget target, ActorRef<StatusReply<Pong>> replyTo)
      implements Command, WithStatusReply<Pong> {}

  /** Replies with the node's identity, addresses, routing-table contacts and telemetry. */
  public record GetStatus(ActorRef<StatusReply<NodeStatus>> replyTo)
      implements Command, WithStatusReply<NodeStatus> {}

  /** The 20 contacts closest to {@code target} by an iterative lookup, with the lookup's statistics. */
  public record FindNode(NodeId target, ActorRef<StatusReply<LookupResult>> replyTo)
      implements Command, WithStatusReply<LookupResult> {}

  /**
   * Stores a value under its BLAKE3 key at the closest nodes; replies with the key and the replica count. A reply with
   * 0 replicas ({@link PutResult#localOnly()}) means no peer was reachable: the value lives only on this node.
   */
  public record Put(byte[] value, ActorRef<StatusReply<PutResult>> replyTo)
      implements Command, WithStatusReply<PutResult> {}

  /** Fetches a value by key (fails with "not found" when no node has it). */
  public record Get(Key key, ActorRef<StatusReply<byte[]>> replyTo)
      implements Command, WithStatusReply<byte[]> {}

  /** Whether this node holds the value under {@code key} itself (its own or a peer's copy; no network query). */
  public record HoldsValue(Key key, ActorRef<StatusReply<Boolean>> replyTo)
      implements Command, WithStatusReply<Boolean> {}

  /** Publishes our signed endpoint record (listen and observed addresses) into the DHT. */
  public record PublishAddress(ActorRef<StatusReply<EndpointRecord>> replyTo)
      implements Command, WithStatusReply<EndpointRecord> {}

  /** Finds and verifies another node's endpoint record. */
  public record Resolve(NodeId node, ActorRef<StatusReply<EndpointRecord>> replyTo)
      implements Command, WithStatusReply<EndpointRecord> {}

  /**
   * Subscribes {@code subscriber} to a topic: it receives every verified message published there (until it stops or
   * unsubscribes). The node joins the topic's mesh.
   */
  public record Subscribe(String topic, ActorRef<ReceivedMessage> subscriber) implements Command {}

  public record Unsubscribe(String topic, ActorRef<ReceivedMessage> subscriber) implements Command {}

  /**
   * Signs and publishes a message; replies with its id once at least one peer's link accepted it (queued it for the
   * peer), or fails naming why: no peer is known for the topic, or every target reads too slowly (its queue is full).
   */
  public record Publish(String topic, byte[] data, ActorRef<StatusReply<MessageId>> replyTo)
      implements Command, WithStatusReply<MessageId> {}

  /** Replies when the topic's mesh has reached D_low peers. */
  public record WhenTopicReady(String topic, ActorRef<Done> replyTo) implements Command {}

  /**
   * Connects to a node known only by its NodeId: directly where the NATs allow it, through one of its relays
   * otherwise, moving to a direct path in the background. On a peer already connected it answers at once with the
   * connection's current path.
   */
  public record Connect(NodeId peer, ActorRef<StatusReply<ConnectionInfo>> replyTo)
      implements Command, WithStatusReply<ConnectionInfo> {}

  /** Sends bytes to a node (connecting first if needed); replies once the peer acknowledged all of them. */
  public record SendData(NodeId peer, byte[] data, ActorRef<StatusReply<Done>> replyTo)
      implements Command, WithStatusReply<Done> {}

  /** Replies with every connection made by NodeId (or accepted through a relay) and its current path. */
  public record GetConnections(ActorRef<List<ConnectionInfo>> replyTo) implements Command {}

  /** {@code watcher} is told every path change and every byte a peer sends us from now on. */
  public record WatchConnections(ActorRef<ConnectionEvent> watcher) implements Command {}

  /** Closes every connection and the socket, replies, then stops the node actor. */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  /** A node with the given identity, running on the transport the factory makes. */
  public static Behavior<Command> create(
      MeshConfig config, Keypair keypair, TransportFactory transports, NodeEnvironment environment) {
    return NodeGuardian.create(config, keypair, transports, environment, Optional.empty());
  }

  /**
   * As above, with the node's telemetry as meters in {@code registry} (names in docs/operations.md, tagged
   * {@code node}; refreshed every {@code quicmesh.metrics.refresh-interval}); they leave the registry when the node
   * stops.
   */
  public static Behavior<Command> create(MeshConfig config, Keypair keypair, TransportFactory transports,
      NodeEnvironment environment, MeterRegistry registry) {
    return NodeGuardian.create(config, keypair, transports, environment, Optional.of(registry));
  }
}
