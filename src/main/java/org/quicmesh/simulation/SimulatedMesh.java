package org.quicmesh.simulation;

import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.quicmesh.identity.Keypair;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.NodeEnvironment;
import org.quicmesh.node.TransportFactory;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.NatBox;
import org.quicmesh.transport.sim.SimNetwork;

/**
 * Real node behaviors on one {@link SimNetwork}, spawned as children of a scenario's actor. Identities and per-node
 * randomness derive from the scenario's seeded {@link Random}, so a seed fixes the whole run.
 */
public final class SimulatedMesh {

  /** One simulated node: its identity, address (null behind a NAT: it has no public one of its own) and actor. */
  public record Member(int index, Keypair keypair, InetSocketAddress address, ActorRef<MeshNode.Command> node) {}

  private final SimNetwork network;
  private final Clock clock;
  private final Random random;
  private final List<Member> members = new ArrayList<>();

  public SimulatedMesh(SimNetwork network, Clock clock, Random random) {
    this.network = network;
    this.clock = clock;
    this.random = random;
  }

  /** Spawns {@code count} nodes with the same config as children of the calling actor. */
  public static SimulatedMesh spawn(ActorContext<?> context, SimNetwork network, int count, MeshConfig config,
      Clock clock, Random random) {
    SimulatedMesh mesh = new SimulatedMesh(network, clock, random);
    for (int i = 0; i < count; i++) {
      mesh.spawn(context, config);
    }
    return mesh;
  }

  /** A simulated network on the actor system's scheduler, links per the latency spec ({@code uniform:20-200}, ...). */
  public static SimNetwork network(ActorContext<?> context, Clock clock, String latency, long seed) {
    return new SimNetwork(context.getSystem(), clock, LatencyModel.parse(latency, seed), seed);
  }

  /** Node settings for a scenario: the loaded config with {@code overrides} (dotted keys) on top. */
  public static MeshConfig config(Map<String, Object> overrides) {
    return MeshConfig.fromConfig(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()));
  }

  /**
   * Spawns one more node that bootstraps through a random member of {@code live} (the first node of a network through
   * none) and adds it to {@code live}: how scenarios grow a network one join at a time.
   */
  public Member join(ActorContext<?> context, MeshConfig config, List<Member> live) {
    List<InetSocketAddress> seeds = live.isEmpty() ? List.of()
        : List.of(live.get(random.nextInt(live.size())).address());
    Member member = spawn(context, config.withBootstrap(seeds));
    live.add(member);
    return member;
  }

  /**
   * Spawns one more node behind {@code box} that bootstraps through a random member of {@code live}; it is not added
   * to {@code live}, having no public address for later nodes to bootstrap through.
   */
  public Member joinBehind(ActorContext<?> context, MeshConfig config, List<Member> live, NatBox box) {
    if (live.isEmpty()) {
      throw new IllegalStateException("a node behind a NAT needs a public node to bootstrap through");
    }
    InetSocketAddress seed = live.get(random.nextInt(live.size())).address();
    return spawnBehind(context, config.withBootstrap(List.of(seed)), box);
  }

  /** Crashes a member silently (its address stops answering) and stops its actor: how scenarios remove nodes. */
  public void crash(ActorContext<?> context, Member member) {
    network.crash(member.address());
    context.stop(member.node());
  }

  /** Spawns one more node (a fresh identity at the next simulated address). */
  public Member spawn(ActorContext<?> context, MeshConfig config) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    Keypair keypair = Keypair.fromSecret(secret);
    InetSocketAddress address = network.nextAddress();
    TransportFactory transport = (system, kp, cfg) -> network.attach(address, kp);
    NodeEnvironment environment = new NodeEnvironment(clock, new Random(random.nextLong()));
    int index = members.size();
    ActorRef<MeshNode.Command> node =
        context.spawn(MeshNode.create(config.withListen(address), keypair, transport, environment), "node-" + index);
    Member member = new Member(index, keypair, address, node);
    members.add(member);
    return member;
  }

  /** Spawns one more node behind {@code box} (a fresh identity at the next private address of its LAN). */
  public Member spawnBehind(ActorContext<?> context, MeshConfig config, NatBox box) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    Keypair keypair = Keypair.fromSecret(secret);
    TransportFactory transport = (system, kp, cfg) -> network.attach(kp, box);
    NodeEnvironment environment = new NodeEnvironment(clock, new Random(random.nextLong()));
    int index = members.size();
    ActorRef<MeshNode.Command> node =
        context.spawn(MeshNode.create(config, keypair, transport, environment), "node-" + index);
    Member member = new Member(index, keypair, null, node);
    members.add(member);
    return member;
  }

  public List<Member> members() {
    return List.copyOf(members);
  }

  public Member member(int index) {
    return members.get(index);
  }

  public int size() {
    return members.size();
  }

  public SimNetwork network() {
    return network;
  }
}
