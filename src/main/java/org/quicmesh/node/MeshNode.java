package org.quicmesh.node;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.dht.LookupResult;
import org.quicmesh.dht.PutResult;
import org.quicmesh.identity.EndpointRecord;
import org.quicmesh.identity.Key;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;

/**
 * The public protocol of a Quicmesh node. Spawn {@link #create} in your own {@code ActorSystem} and send it
 * {@link Command}s; every reply goes to the {@code replyTo} in the command. Commands sent before the node is listening
 * wait until it is (or are answered with an error if it fails to start).
 */
public final class MeshNode {
  private MeshNode() {}

  /** Everything a user may send to a node. */
  public sealed interface Command extends NodeGuardian.Message
      permits Ping, GetStatus, FindNode, Put, Get, PublishAddress, Resolve, Stop {}

  /** Pings a peer (by address, or by NodeId located through the DHT); replies with the verified id and the RTT. */
  public record Ping(PeerTarget target, ActorRef<StatusReply<Pong>> replyTo) implements Command {}

  /** Replies with the node's identity, addresses, routing-table contacts and telemetry. */
  public record GetStatus(ActorRef<StatusReply<NodeStatus>> replyTo) implements Command {}

  /** The 20 contacts closest to {@code target} by an iterative lookup, with the lookup's statistics. */
  public record FindNode(NodeId target, ActorRef<StatusReply<LookupResult>> replyTo) implements Command {}

  /** Stores a value under its BLAKE3 key at the closest nodes; replies with the key and the replica count. */
  public record Put(byte[] value, ActorRef<StatusReply<PutResult>> replyTo) implements Command {}

  /** Fetches a value by key (fails with "not found" when no node has it). */
  public record Get(Key key, ActorRef<StatusReply<byte[]>> replyTo) implements Command {}

  /** Publishes our signed endpoint record (listen and observed addresses) into the DHT. */
  public record PublishAddress(ActorRef<StatusReply<EndpointRecord>> replyTo) implements Command {}

  /** Finds and verifies another node's endpoint record. */
  public record Resolve(NodeId node, ActorRef<StatusReply<EndpointRecord>> replyTo) implements Command {}

  /** Closes every connection and the socket, replies, then stops the node actor. */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  /** A node with the given identity, running on the transport the factory makes. */
  public static Behavior<Command> create(
      MeshConfig config, Keypair keypair, TransportFactory transports, NodeEnvironment environment) {
    return NodeGuardian.create(config, keypair, transports, environment);
  }
}
