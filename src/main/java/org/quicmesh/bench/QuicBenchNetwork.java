package org.quicmesh.bench;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Random;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.quicmesh.identity.Keypair;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.MeshNode;
import org.quicmesh.node.NodeEnvironment;
import org.quicmesh.node.TransportFactory;
import org.quicmesh.node.Transports;

/**
 * Real nodes on 127.0.0.1, one UDP socket each, all sockets on one shared set of event loops (and all actors on the
 * actor system's dispatcher), so threads stay flat as N grows. Identities and per-node randomness come from the
 * bench's seeded {@link Random}.
 */
final class QuicBenchNetwork implements BenchNetwork {
  private final TransportFactory transport;
  private final Random random;
  private final Clock clock = Clock.systemUTC();
  private int spawned;

  QuicBenchNetwork(EventLoopGroup loops, Random random) {
    this.transport = Transports.quic(loops);
    this.random = random;
  }

  @Override
  public String transport() {
    return "quic";
  }

  @Override
  public String links() {
    return "loopback";
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Node spawn(ActorContext<?> context, MeshConfig config) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    Keypair keypair = Keypair.fromSecret(secret);
    int index = spawned++;
    ActorRef<MeshNode.Command> ref = context.spawn(MeshNode.create(
        config.withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), keypair, transport,
        new NodeEnvironment(clock, new Random(random.nextLong()))), "node-" + index);
    return new Node(index, keypair.nodeId(), ref);
  }
}
