package org.quicmesh.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.NatBehavior;
import org.quicmesh.virtualtime.SimDriver;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.virtualtime.SimulationSystem;

/**
 * A simulated cluster driven from outside, step by step: spawn nodes, send them commands, and run virtual time until
 * the answer is there. For tests and small experiments; scenarios with their own logic run as actors instead.
 */
public final class SimCluster implements AutoCloseable {

  sealed interface Command {}

  private record Spawn(MeshConfig config, CompletableFuture<SimulatedMesh.Member> spawned) implements Command {}

  /** A node that bootstraps through a random public node that joined before; public when {@code nat} is null. */
  private record Join(MeshConfig config, NatBehavior nat, CompletableFuture<SimulatedMesh.Member> spawned)
      implements Command {}

  private record Call<T>(ActorRef<MeshNode.Command> node, Function<ActorRef<T>, MeshNode.Command> command,
      CompletableFuture<T> answer) implements Command {}

  private final SimulationSystem<Command> sim;
  private SimulatedMesh mesh;
  /** Names the collector actors. */
  private long collectors;
  /** The joined nodes with a public address: the bootstrap nodes of later joins. */
  private final List<SimulatedMesh.Member> publicMembers = new ArrayList<>();

  public SimCluster(long seed, LatencyModel latency) {
    this.sim = SimulationSystem.create("cluster", seed, random -> guardian(latency, seed, random));
  }

  private Behavior<Command> guardian(LatencyModel latency, long seed, Random random) {
    return Behaviors.setup(ctx -> {
      var clock = SimDriver.of(ctx.getSystem()).clock();
      mesh = new SimulatedMesh(new SimNetwork(ctx.getSystem(), clock, latency, seed), clock, random);
      return Behaviors.receive(Command.class)
          .onMessage(Spawn.class, spawn -> {
            spawn.spawned().complete(mesh.spawn(ctx, spawn.config()));
            return Behaviors.same();
          })
          .onMessage(Join.class, join -> {
            join.spawned().complete(join.nat() == null ? mesh.join(ctx, join.config(), publicMembers)
                : mesh.joinBehind(ctx, join.config(), publicMembers, mesh.network().addNat(join.nat())));
            return Behaviors.same();
          })
          .onMessage(Call.class, call -> {
            call(ctx, call);
            return Behaviors.same();
          })
          .build();
    });
  }

  private static <T> void call(org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx, Call<T> call) {
    ActorRef<T> once = ctx.spawnAnonymous(Behaviors.<T>receive((self, answer) -> {
      call.answer().complete(answer);
      return Behaviors.stopped();
    }));
    call.node().tell(call.command().apply(once));
  }

  /** An actor that appends every message it receives to {@code into} (read it between steps of virtual time). */
  public <T> ActorRef<T> collector(List<T> into) {
    return collector((Consumer<T>) into::add);
  }

  /**
   * An actor that hands every message it receives to {@code onMessage}, on the simulation's thread. Made at once,
   * without running the simulation (so many can be made at one instant cheaply).
   */
  public <T> ActorRef<T> collector(Consumer<T> onMessage) {
    return sim.system().systemActorOf(Behaviors.<T>receiveMessage(message -> {
      onMessage.accept(message);
      return Behaviors.same();
    }), "collector-" + collectors++, Props.empty());
  }

  /** Sends a command that needs no answer and lets it be processed. */
  public void tell(ActorRef<MeshNode.Command> node, MeshNode.Command command) {
    node.tell(command);
    sim.driver().runUntilIdle();
  }

  /** Spawns a node with this config and lets it start. */
  public SimulatedMesh.Member spawn(MeshConfig config) {
    CompletableFuture<SimulatedMesh.Member> spawned = new CompletableFuture<>();
    sim.system().tell(new Spawn(config, spawned));
    sim.driver().runUntilIdle();
    return spawned.join();
  }

  /**
   * Spawns a node that bootstraps through a random public node that joined before it (the first joins alone), behind
   * a NAT router of its own when {@code nat} is not null, and lets it start.
   */
  public SimulatedMesh.Member join(MeshConfig config, NatBehavior nat) {
    CompletableFuture<SimulatedMesh.Member> spawned = new CompletableFuture<>();
    sim.system().tell(new Join(config, nat, spawned));
    sim.driver().runUntilIdle();
    return spawned.join();
  }

  /**
   * Sends a command whose answer completes the returned future, without running virtual time: the command leaves
   * and the answer arrives while the caller runs it. The future completes on the simulation's thread, from a one-shot
   * reply actor (no ask), so runs stay deterministic.
   */
  public <T> CompletableFuture<T> send(ActorRef<MeshNode.Command> node,
      Function<ActorRef<T>, MeshNode.Command> command) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    sim.system().tell(new Call<>(node, command, answer));
    return answer;
  }

  /** Like {@link #send} for commands answered with a {@link StatusReply}: the value, or fails with the error. */
  public <T> CompletableFuture<T> sendWithStatus(ActorRef<MeshNode.Command> node,
      Function<ActorRef<StatusReply<T>>, MeshNode.Command> command) {
    CompletableFuture<T> value = new CompletableFuture<>();
    CompletableFuture<StatusReply<T>> reply = send(node, command);
    // Runs on the simulation's thread as the reply actor completes the reply: a plain future, not Pekko's.
    reply.thenAccept(r -> {
      if (r.isError()) {
        value.completeExceptionally(r.getError());
      } else {
        value.complete(r.getValue());
      }
    });
    return value;
  }

  /** Sends a command and runs virtual time (at most {@code maxVirtual}) until its answer arrives. */
  public <T> T call(ActorRef<MeshNode.Command> node, Function<ActorRef<T>, MeshNode.Command> command,
      Duration maxVirtual) {
    CompletableFuture<T> answer = send(node, command);
    if (!sim.driver().runUntil(answer::isDone, maxVirtual)) {
      throw new IllegalStateException("no answer within " + maxVirtual + " of virtual time");
    }
    return answer.join();
  }

  /** Like {@link #call} for commands answered with a {@link StatusReply}: the value, or the error as an exception. */
  public <T> T ask(ActorRef<MeshNode.Command> node, Function<ActorRef<StatusReply<T>>, MeshNode.Command> command) {
    StatusReply<T> reply = call(node, command, Duration.ofMinutes(5));
    if (reply.isError()) {
      throw new IllegalStateException(reply.getError().getMessage());
    }
    return reply.getValue();
  }

  /** Runs virtual time until {@code stage} completes (at most 5 virtual minutes) and returns its outcome. */
  public <T> java.util.concurrent.CompletableFuture<T> await(java.util.concurrent.CompletionStage<T> stage) {
    CompletableFuture<T> future = stage.toCompletableFuture();
    sim.driver().runUntil(future::isDone, Duration.ofMinutes(5));
    return future;
  }

  /** Runs virtual time forward. */
  public void advance(Duration duration) {
    sim.driver().runFor(duration);
  }

  /**
   * Runs virtual time until {@code condition} holds (checked whenever every mailbox is empty) or {@code maxVirtual}
   * has passed; returns whether it held.
   */
  public boolean runUntil(java.util.function.BooleanSupplier condition, Duration maxVirtual) {
    return sim.driver().runUntil(condition, maxVirtual);
  }

  /** Virtual milliseconds since the cluster started. */
  public long nowMillis() {
    return sim.driver().nowMillis();
  }

  /** The simulation's actor system (to run streams in virtual time). */
  public org.apache.pekko.actor.typed.ActorSystem<?> system() {
    return sim.system();
  }

  public SimNetwork network() {
    return mesh.network();
  }

  public SimulatedMesh mesh() {
    return mesh;
  }

  /**
   * Stops the actor system. Nodes still running are stopped with it, their streams cut: slow at scale (Pekko names
   * each cut stream stage, reading class files for its source location), so stop nodes first with
   * {@link MeshNode.Stop} where there are many.
   */
  @Override
  public void close() {
    sim.close();
  }
}
