package org.quicmesh.node;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.identity.Keypair;

/**
 * The public protocol of a Quicmesh node. Spawn {@link #create} in your own {@code ActorSystem} and send it
 * {@link Command}s; every reply goes to the {@code replyTo} in the command. Commands sent before the node is listening
 * wait until it is (or are answered with an error if it fails to start).
 */
public final class MeshNode {
  private MeshNode() {}

  /** Everything a user may send to a node. */
  public sealed interface Command extends NodeGuardian.Message permits Ping, GetStatus, Stop {}

  /** Pings a peer; replies with the verified peer id and the round-trip time. */
  public record Ping(PeerTarget target, ActorRef<StatusReply<Pong>> replyTo) implements Command {}

  /** Replies with the node's identity, addresses, peers and telemetry. */
  public record GetStatus(ActorRef<StatusReply<NodeStatus>> replyTo) implements Command {}

  /** Closes every connection and the socket, replies, then stops the node actor. */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  /** A node with the given identity, running on the transport the factory makes. */
  public static Behavior<Command> create(
      MeshConfig config, Keypair keypair, TransportFactory transports, NodeEnvironment environment) {
    return NodeGuardian.create(config, keypair, transports, environment);
  }
}
