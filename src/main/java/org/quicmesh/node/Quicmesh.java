package org.quicmesh.node;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.identity.Keypair;

/**
 * A {@code CompletionStage} facade over a node actor, for code that does not speak actors. Every method is
 * non-blocking; stages fail with the node's error text when a command fails.
 */
public final class Quicmesh {
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
    ActorRef<MeshNode.Command> node = system.systemActorOf(
        MeshNode.create(config, keypair, transports, environment), name, Props.empty());
    Quicmesh mesh = new Quicmesh(system, node, config.requestTimeout().multipliedBy(2).plusSeconds(1));
    return mesh.status().thenApply(status -> mesh);
  }

  /** The node actor, for sending {@link MeshNode.Command}s directly. */
  public ActorRef<MeshNode.Command> node() {
    return node;
  }

  public CompletionStage<Pong> ping(PeerTarget target) {
    return AskPattern.askWithStatus(node, replyTo -> new MeshNode.Ping(target, replyTo), askTimeout,
        system.scheduler());
  }

  public CompletionStage<NodeStatus> status() {
    return AskPattern.askWithStatus(node, MeshNode.GetStatus::new, askTimeout, system.scheduler());
  }

  /** Closes the node's connections and socket; completes when the port is released. */
  public CompletionStage<Done> shutdown() {
    return AskPattern.ask(node, MeshNode.Stop::new, askTimeout, system.scheduler());
  }
}
