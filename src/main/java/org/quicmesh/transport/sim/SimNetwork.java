package org.quicmesh.transport.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.quicmesh.identity.Keypair;

/**
 * An in-memory network of {@link SimTransport}s: per-link latency from a {@link LatencyModel}, random loss,
 * partitions, silent crashes and restarts, and a {@link NatModel} for observed addresses and filtering.
 *
 * <p>All delays go through the actor system's scheduler and all times through the given clock, so under the virtual
 * time of {@code SimulationSystem} a thousand nodes run deterministically on one thread; under the default scheduler
 * it is an ordinary real-time network for tests. Simulated hosts get addresses in 127.0.0.0/8 (never used on a real
 * socket).
 */
public final class SimNetwork {
  /** Port every simulated host listens on. */
  public static final int PORT = 4000;

  private final ActorSystem<?> system;
  private final Clock clock;
  private final LatencyModel latency;
  private final Random random;
  private final Map<InetSocketAddress, SimTransport> hosts = new ConcurrentHashMap<>();
  private final Map<InetSocketAddress, Integer> partitionOf = new ConcurrentHashMap<>();
  private final AtomicInteger nextHost = new AtomicInteger(1);
  private final AtomicInteger nextPartition = new AtomicInteger(1);
  private final LongAdder delivered = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder streamDropped = new LongAdder();
  private volatile double loss;
  private volatile double streamLoss;
  private volatile java.util.function.BiConsumer<InetSocketAddress, InetSocketAddress> streamListener = (a, b) -> { };
  private volatile NatModel nat = NatModel.NONE;

  public SimNetwork(ActorSystem<?> system, Clock clock, LatencyModel latency, long seed) {
    this.system = system;
    this.clock = clock;
    this.latency = latency;
    this.random = new Random(seed);
  }

  /** A new host at the next free simulated address, not yet started. */
  public SimTransport attach(Keypair keypair) {
    return attach(nextAddress(), keypair);
  }

  /** A new host at a chosen address; the address must be free (or held by a crashed host being replaced). */
  public SimTransport attach(InetSocketAddress address, Keypair keypair) {
    SimTransport transport = new SimTransport(this, address, keypair);
    SimTransport previous = hosts.putIfAbsent(address, transport);
    if (previous != null && !previous.isClosed()) {
      throw new IllegalArgumentException("simulated address in use: " + address);
    }
    if (previous != null) {
      hosts.put(address, transport);
    }
    return transport;
  }

  /** The next simulated address: 127.x.y.z:4000, counting up from 127.0.0.1. */
  public InetSocketAddress nextAddress() {
    int n = nextHost.getAndIncrement();
    byte[] ip = {127, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), PORT);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The host goes silent: it neither receives nor sends, and its peers see timeouts. */
  public void crash(InetSocketAddress address) {
    SimTransport host = hosts.get(address);
    if (host != null) {
      host.setCrashed(true);
    }
  }

  /** A crashed host comes back with its state (a process restart is a new {@link #attach} instead). */
  public void recover(InetSocketAddress address) {
    SimTransport host = hosts.get(address);
    if (host != null) {
      host.setCrashed(false);
    }
  }

  /** Puts the hosts in a partition of their own: they reach each other but nobody outside, and vice versa. */
  public void partition(Collection<InetSocketAddress> group) {
    int id = nextPartition.getAndIncrement();
    group.forEach(address -> partitionOf.put(address, id));
  }

  /** Removes every partition. */
  public void heal() {
    partitionOf.clear();
  }

  /** Fraction of RPC messages (each direction independently) that are lost. */
  public void setLoss(double fraction) {
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("loss must be in [0, 1]");
    }
    this.loss = fraction;
  }

  /**
   * Fraction of messages on long-lived streams that are lost, each independently, at the receiving end of the link.
   * A real QUIC stream is reliable; this models an unreliable (datagram-like) link so that protocols on top, such as
   * GossipSub's IHave/IWant repair, can be exercised against message loss. The stream itself stays open and in order;
   * the sender sees the message as accepted. 0 (the default) keeps streams reliable.
   */
  public void setStreamLoss(double fraction) {
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("stream loss must be in [0, 1]");
    }
    this.streamLoss = fraction;
  }

  /** Called (on the simulation thread) with (sender, receiver) whenever a stream reaches its receiver. */
  public void onStreamOpened(java.util.function.BiConsumer<InetSocketAddress, InetSocketAddress> listener) {
    this.streamListener = listener;
  }

  /** Stream messages lost to {@link #setStreamLoss}. */
  public long streamDroppedCount() {
    return streamDropped.sum();
  }

  public void setNatModel(NatModel model) {
    this.nat = model;
  }

  public long deliveredCount() {
    return delivered.sum();
  }

  public long droppedCount() {
    return dropped.sum();
  }

  // ---- used by SimTransport ----

  Clock clock() {
    return clock;
  }

  ActorSystem<?> system() {
    return system;
  }

  Duration oneWay(InetSocketAddress from, InetSocketAddress to) {
    return latency.oneWay(from, to);
  }

  NatModel nat() {
    return nat;
  }

  /**
   * The host a packet from {@code from} to {@code to} reaches, or null when the network drops it (no such host,
   * crashed, partitioned, lost, filtered by a NAT).
   */
  SimTransport route(SimTransport from, InetSocketAddress to, boolean lossy) {
    SimTransport destination = hosts.get(to);
    boolean reaches = destination != null
        && !destination.isCrashed() && !destination.isClosed() && !from.isCrashed()
        && partitionOf.getOrDefault(from.address(), 0).equals(partitionOf.getOrDefault(to, 0))
        && !(lossy && loss > 0 && random() < loss)
        && nat.admits(nat.observedSource(from.address(), to), to);
    if (reaches) {
      delivered.increment();
      return destination;
    }
    dropped.increment();
    return null;
  }

  /** The executor of the actor system's default dispatcher: the simulation thread under virtual time. */
  java.util.concurrent.Executor executor() {
    return system.executionContext();
  }

  /** Whether the next stream message is lost (drawn only while stream loss is on, so reliable runs replay as before). */
  boolean dropsStreamMessage() {
    if (streamLoss > 0 && random() < streamLoss) {
      streamDropped.increment();
      return true;
    }
    return false;
  }

  void streamOpened(InetSocketAddress from, InetSocketAddress to) {
    streamListener.accept(from, to);
  }

  Cancellable schedule(Duration delay, Runnable task) {
    return system.scheduler().scheduleOnce(delay, task, system.executionContext());
  }

  private synchronized double random() {
    return random.nextDouble();
  }

  void detach(SimTransport transport) {
    hosts.remove(transport.address(), transport);
  }
}
