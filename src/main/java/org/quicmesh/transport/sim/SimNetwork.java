package org.quicmesh.transport.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.quicmesh.identity.Keypair;

/**
 * An in-memory network of {@link SimTransport}s: per-link latency from a {@link LatencyModel}, random loss,
 * partitions, silent crashes and restarts, and stateful NAT routers ({@link NatBox}) that hosts may sit behind.
 *
 * <p>All delays go through the actor system's scheduler and all times through the given clock, so under the virtual
 * time of {@code SimulationSystem} a thousand nodes run deterministically on one thread; under the default scheduler
 * it is an ordinary real-time network for tests.
 *
 * <p>Addresses (never used on a real socket): public hosts and the public IPs of NAT boxes count up in 127.0.0.0/8
 * ({@link #nextAddress()}); hosts behind a box get private addresses in 10.0.0.0/8, box number {@code B} (counting from
 * 1 in {@link #addNat} order) owning the LAN {@code 10.(B >> 8).(B & 255).0/24}, its hosts {@code .1} to {@code .254},
 * all on {@link #PORT}. A private address is reachable only from its own LAN; from outside, a NATed host is reached at
 * its box's public IP on a mapped port, while the mapping lives and the box's filter admits the sender.
 *
 * <p>Requests, their answers, streams and datagrams all cross the same NATs (QUIC runs over UDP): a packet from
 * behind a box is translated on its way out (opening or refreshing a mapping) and one to a box's public address on
 * its way in, or dropped and counted by {@link NatDrop} reason ({@link #natDrops()}). Receivers see the translated
 * source. A network without boxes behaves, and draws from its seeded random, exactly as before NATs existed.
 * {@link #crash}, {@link #recover} and {@link #partition} name a NATed host by its private address.
 */
public final class SimNetwork {
  /** Port every simulated host listens on. */
  public static final int PORT = 4000;

  private final ActorSystem<?> system;
  private final Clock clock;
  private final LatencyModel latency;
  private final Random random;
  private final Map<InetSocketAddress, SimTransport> hosts = new ConcurrentHashMap<>();
  /** Extra datagram sockets of public hosts (RFC 5780 STUN servers): they receive datagrams only. */
  private final Map<InetSocketAddress, SimTransport> datagramSockets = new ConcurrentHashMap<>();
  private final Map<InetSocketAddress, Integer> partitionOf = new ConcurrentHashMap<>();
  private final AtomicInteger nextHost = new AtomicInteger(1);
  private final AtomicInteger nextPartition = new AtomicInteger(1);
  private final LongAdder delivered = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder streamDropped = new LongAdder();
  private volatile double loss;
  private volatile double streamLoss;
  private volatile java.util.function.BiConsumer<InetSocketAddress, InetSocketAddress> streamListener = (a, b) -> { };
  private final Map<InetAddress, NatBox> natByPublicIp = new ConcurrentHashMap<>();
  private final Map<NatBox, Lan> lans = new ConcurrentHashMap<>();
  private final Map<InetSocketAddress, NatBox> natOfHost = new ConcurrentHashMap<>();
  private final AtomicInteger nextLan = new AtomicInteger(1);
  private final Map<NatDrop, LongAdder> natDropped = new ConcurrentHashMap<>();
  private final SimParcels parcels;

  /** The private network behind one box: its number (the middle octets) and its next host number. */
  private record Lan(int number, AtomicInteger nextHost) {}

  /**
   * Where a packet arrives, the source address it carries there (translated by any NAT on the way), and the local
   * address of the destination that receives it (its own, or a datagram socket it opened).
   */
  record Delivery(SimTransport destination, InetSocketAddress source, InetSocketAddress local) {}

  public SimNetwork(ActorSystem<?> system, Clock clock, LatencyModel latency, long seed) {
    this.system = system;
    this.clock = clock;
    this.latency = latency;
    this.random = new Random(seed);
    this.parcels = new SimParcels(clock);
  }

  /** A new host at the next free simulated address, not yet started. */
  public SimTransport attach(Keypair keypair) {
    return attach(nextAddress(), keypair);
  }

  /**
   * A new host on the private network behind {@code box}, at the box's next private address (a host behind a
   * {@link NatBehavior#NONE} box is simply public).
   */
  public SimTransport attach(Keypair keypair, NatBox box) {
    Lan lan = lans.get(box);
    if (lan == null) {
      throw new IllegalArgumentException("not a NAT of this network: " + box);
    }
    if (!box.behavior().translating()) {
      return attach(keypair);
    }
    int host = lan.nextHost().getAndIncrement();
    if (host > 254) {
      throw new IllegalStateException("the LAN behind " + box + " is full");
    }
    InetSocketAddress address =
        socketAddress(new byte[] {10, (byte) (lan.number() >>> 8), (byte) lan.number(), (byte) host});
    natOfHost.put(address, box);
    return attach(address, keypair);
  }

  /**
   * A new NAT router with the next public IP (from the same 127.0.0.0/8 sequence as public hosts) and an empty
   * private network behind it; hosts join with {@link #attach(Keypair, NatBox)}. Random port allocation draws from
   * this network's seeded random.
   */
  public NatBox addNat(NatBehavior behavior) {
    int number = nextLan.getAndIncrement();
    if (number > 0xFFFF) {
      throw new IllegalStateException("too many simulated NATs");
    }
    NatBox box = new NatBox(nextAddress().getAddress(), behavior, clock, this::randomBelow);
    lans.put(box, new Lan(number, new AtomicInteger(1)));
    natByPublicIp.put(box.publicIp(), box);
    return box;
  }

  /** The NAT a host sits behind, if any. */
  public Optional<NatBox> natOf(InetSocketAddress host) {
    return Optional.ofNullable(natOfHost.get(host));
  }

  /** Packets dropped by NATs, by {@link NatDrop#reason()}. */
  public Map<String, Long> natDrops() {
    Map<String, Long> drops = new TreeMap<>();
    natDropped.forEach((drop, count) -> drops.put(drop.reason(), count.sum()));
    return drops;
  }

  /** Packets a NAT dropped for {@code reason}. */
  public long natDropCount(NatDrop reason) {
    LongAdder count = natDropped.get(reason);
    return count == null ? 0 : count.sum();
  }

  /**
   * A new host at a chosen address; the address must be free (or held by a crashed host being replaced). A private
   * address must be one {@link #attach(Keypair, NatBox)} handed out (a restarted host stays behind its box).
   */
  public SimTransport attach(InetSocketAddress address, Keypair keypair) {
    if (isPrivate(address.getAddress()) && !natOfHost.containsKey(address)) {
      throw new IllegalArgumentException("private address not behind any simulated NAT: " + address);
    }
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
    return socketAddress(new byte[] {127, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
  }

  private static InetSocketAddress socketAddress(byte[] ip) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), PORT);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a simulated address is a private one (10.0.0.0/8), reachable only on its own LAN. */
  static boolean isPrivate(InetAddress address) {
    return address.getAddress()[0] == 10;
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

  /**
   * Gives a host one more socket for raw datagrams at {@code local}: for a public host a free public address (e.g. one
   * from {@link #nextAddress()} or another port of the host's own IP), how an RFC 5780 STUN server gets its second IP
   * and port; for a host behind a NAT another port of its private IP, whose datagrams leave through the same box with
   * a mapping of their own (how a node behind a NAT sends a dial-back from another port).
   */
  InetSocketAddress openDatagramSocket(SimTransport host, InetSocketAddress local) {
    NatBox box = natOfHost.get(host.address());
    if (box != null) {
      if (!local.getAddress().equals(host.address().getAddress()) || hosts.containsKey(local)) {
        throw new IllegalArgumentException("behind a NAT, only another port of the host's own IP: " + local);
      }
      if (datagramSockets.putIfAbsent(local, host) != null) {
        throw new IllegalArgumentException("address in use: " + local);
      }
      natOfHost.put(local, box);
      return local;
    }
    if (isPrivate(local.getAddress()) || natByPublicIp.containsKey(local.getAddress()) || hosts.containsKey(local)) {
      throw new IllegalArgumentException("address not free: " + local);
    }
    if (datagramSockets.putIfAbsent(local, host) != null) {
      throw new IllegalArgumentException("address in use: " + local);
    }
    return local;
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

  /**
   * Where a packet from {@code from} to {@code to} arrives and from which source, or null when the network drops it
   * (no such host, crashed, partitioned, lost, dropped by a NAT). Translates it through the NATs on the way: the
   * sender's box maps it out, the destination's box maps it in.
   */
  Delivery route(SimTransport from, InetSocketAddress to, boolean lossy) {
    return route(from, from.address(), to, lossy, false);
  }

  /** {@link #route} for a datagram sent from local socket {@code fromLocal}, which may reach a datagram socket. */
  Delivery routeDatagram(SimTransport from, InetSocketAddress fromLocal, InetSocketAddress to) {
    return route(from, fromLocal, to, true, true);
  }

  private Delivery route(SimTransport from, InetSocketAddress fromLocal, InetSocketAddress to, boolean lossy,
      boolean datagram) {
    InetSocketAddress source = fromLocal;
    InetSocketAddress local = to;
    SimTransport destination = null;
    NatDrop natDrop = null;
    NatBox box = natOfHost.get(source);
    if (from.isCrashed()) {
      // a silent host sends nothing, and opens no mapping
    } else if (isPrivate(to.getAddress())) {
      if (box != null && box == natOfHost.get(to)) {
        destination = hosts.get(to); // on the same LAN: no translation
      } else {
        natDrop = NatDrop.PRIVATE_UNREACHABLE;
      }
    } else if (box != null && box.publicIp().equals(to.getAddress())) {
      NatBox.Inbound looped = box.hairpin(source, to);
      natDrop = looped.drop();
      if (looped.admitted()) {
        source = looped.source();
        local = looped.inside();
        destination = hosts.get(local);
      }
    } else {
      if (box != null) {
        source = box.outbound(source, to);
      }
      NatBox inbound = natByPublicIp.get(to.getAddress());
      if (inbound == null) {
        destination = hosts.get(to);
        if (destination == null && datagram) {
          destination = datagramSockets.get(to);
        }
      } else {
        NatBox.Inbound in = inbound.inbound(source, to);
        natDrop = in.drop();
        local = in.inside();
        destination = !in.admitted() ? null
            : hosts.containsKey(local) || !datagram ? hosts.get(local) : datagramSockets.get(local);
      }
    }
    boolean reaches = destination != null
        && !destination.isCrashed() && !destination.isClosed()
        && partitionOf.getOrDefault(from.address(), 0).equals(partitionOf.getOrDefault(destination.address(), 0))
        && !(lossy && loss > 0 && random() < loss);
    if (reaches) {
      delivered.increment();
      return new Delivery(destination, source, local);
    }
    if (natDrop != null) {
      natDropped.computeIfAbsent(natDrop, d -> new LongAdder()).increment();
    }
    dropped.increment();
    return null;
  }

  /**
   * The receiver of a delivered stream message acknowledges it (QUIC ACKs travel back over the same path), which
   * refreshes the receiver's own NAT mapping toward the sender, as any outbound packet would.
   */
  void acknowledged(Delivery delivery) {
    acknowledge(delivery.destination(), delivery.source());
  }

  /** {@code receiver} acknowledges what came from {@code sender} (the relay, for a relayed stream), as above. */
  void acknowledge(SimTransport receiver, InetSocketAddress sender) {
    NatBox box = natOfHost.get(receiver.address());
    if (box != null && !isPrivate(sender.getAddress()) && !box.publicIp().equals(sender.getAddress())) {
      box.outbound(receiver.address(), sender);
    }
  }

  /** Requests, answers and stream messages travelling through relays, named by the tokens in their frames. */
  SimParcels parcels() {
    return parcels;
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

  private synchronized int randomBelow(int bound) {
    return random.nextInt(bound);
  }

  void detach(SimTransport transport) {
    hosts.remove(transport.address(), transport);
    datagramSockets.forEach((socket, host) -> {
      if (host == transport) {
        natOfHost.remove(socket); // an extra socket behind a NAT (a public host's are not in there)
      }
    });
    datagramSockets.values().removeIf(host -> host == transport);
  }
}
