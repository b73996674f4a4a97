package org.quicmesh.transport.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntUnaryOperator;
import org.quicmesh.transport.sim.NatBehavior.PortAllocation;

/**
 * A NAT router's UDP translation table, as RFC 4787 describes one: outbound packets open (or reuse and refresh) a
 * mapping from a private endpoint to a public port of the box, inbound packets to a public port reach the private
 * endpoint only while its mapping lives and its filter admits the sender. What a mapping is shared by, what it
 * admits, how its port is chosen, its timeout and hairpinning come from the {@link NatBehavior}.
 *
 * <p>Like a connection-tracking router, an admitted inbound packet also binds the reverse direction: the private
 * host's answers to that sender leave through the same mapping (so a symmetric NAT answers from the port it was
 * reached on).
 *
 * <p>A plain class: time from the injected clock, random ports from the injected source (drawn only for
 * {@link PortAllocation#RANDOM}); thread-safe, as simulated hosts may send from several threads in real-time tests.
 */
public final class NatBox {
  static final int MIN_PORT = 1024;
  static final int MAX_PORT = 65535;
  private static final int PORT_RANGE = MAX_PORT - MIN_PORT + 1;
  /** Random draws before a full box falls back to scanning for the last free ports. */
  private static final int RANDOM_ATTEMPTS = 64;

  /** What the box did with an inbound packet: deliver it to {@code inside}, seen from {@code source}, or drop it. */
  public record Inbound(InetSocketAddress inside, InetSocketAddress source, NatDrop drop) {
    static Inbound dropped(NatDrop reason) {
      return new Inbound(null, null, reason);
    }

    public boolean admitted() {
      return drop == null;
    }
  }

  /** What outbound packets share a mapping by: the private endpoint, and the remote as far as the mapping depends. */
  private record Key(InetSocketAddress inside, InetAddress remoteIp, int remotePort) {}

  private static final class Mapping {
    final InetSocketAddress inside;
    final int publicPort;
    final List<Key> keys = new ArrayList<>(1);
    /** Last outbound packet per remote endpoint and per remote IP: the filter's permissions. */
    final Map<InetSocketAddress, Instant> lastToEndpoint = new HashMap<>();
    final Map<InetAddress, Instant> lastToAddress = new HashMap<>();
    Instant lastOutbound;

    Mapping(InetSocketAddress inside, int publicPort) {
      this.inside = inside;
      this.publicPort = publicPort;
    }
  }

  private final InetAddress publicIp;
  private final NatBehavior behavior;
  private final Clock clock;
  private final IntUnaryOperator randomBelow;
  private final Map<Key, Mapping> byKey = new HashMap<>();
  private final Map<Integer, Mapping> byPort = new HashMap<>();

  /**
   * @param randomBelow draws a uniform int in [0, bound) for random port allocation (the network's seeded random)
   */
  public NatBox(InetAddress publicIp, NatBehavior behavior, Clock clock, IntUnaryOperator randomBelow) {
    this.publicIp = Objects.requireNonNull(publicIp, "publicIp");
    this.behavior = Objects.requireNonNull(behavior, "behavior");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.randomBelow = Objects.requireNonNull(randomBelow, "randomBelow");
  }

  public InetAddress publicIp() {
    return publicIp;
  }

  public NatBehavior behavior() {
    return behavior;
  }

  /**
   * Translates a packet from {@code inside} to {@code remote} on its way out: the public endpoint it leaves from.
   * Opens a mapping when none lives for this destination, refreshes it otherwise, and lets {@code remote} in.
   */
  public synchronized InetSocketAddress outbound(InetSocketAddress inside, InetSocketAddress remote) {
    if (!behavior.translating()) {
      return inside;
    }
    Instant now = clock.instant();
    Key key = keyOf(inside, remote);
    Mapping mapping = live(byKey.get(key), now);
    if (mapping == null) {
      mapping = new Mapping(inside, allocate(inside.getPort(), now));
      mapping.keys.add(key);
      byKey.put(key, mapping);
      byPort.put(mapping.publicPort, mapping);
    }
    mapping.lastOutbound = now;
    mapping.lastToEndpoint.put(remote, now);
    mapping.lastToAddress.put(remote.getAddress(), now);
    return new InetSocketAddress(publicIp, mapping.publicPort);
  }

  /** A packet from {@code remote} to the box's public endpoint {@code destination} on its way in. */
  public synchronized Inbound inbound(InetSocketAddress remote, InetSocketAddress destination) {
    Instant now = clock.instant();
    Mapping mapping = behavior.translating() && publicIp.equals(destination.getAddress())
        ? live(byPort.get(destination.getPort()), now)
        : null;
    if (mapping == null) {
      return Inbound.dropped(NatDrop.NO_MAPPING);
    }
    if (!admits(mapping, remote, now)) {
      return Inbound.dropped(NatDrop.FILTERED);
    }
    Key reverse = keyOf(mapping.inside, remote);
    if (live(byKey.get(reverse), now) == null) {
      byKey.put(reverse, mapping);
      mapping.keys.add(reverse);
    }
    return new Inbound(mapping.inside, remote, null);
  }

  /**
   * A packet from {@code inside} to the box's own public endpoint {@code destination}: with hairpinning it is
   * translated out (from the sender's mapping) and back in through the destination's mapping and filter, so it
   * arrives from the sender's public endpoint (RFC 4787 REQ-9); without, it is dropped.
   */
  public synchronized Inbound hairpin(InetSocketAddress inside, InetSocketAddress destination) {
    if (!behavior.hairpinning()) {
      return Inbound.dropped(NatDrop.NO_HAIRPINNING);
    }
    return inbound(outbound(inside, destination), destination);
  }

  /** Live mappings (for tests and telemetry); expired ones are let go on the way. */
  public synchronized int mappingCount() {
    Instant now = clock.instant();
    return (int) List.copyOf(byPort.values()).stream().filter(m -> live(m, now) != null).count();
  }

  private Key keyOf(InetSocketAddress inside, InetSocketAddress remote) {
    return switch (behavior.mapping()) {
      case ENDPOINT_INDEPENDENT -> new Key(inside, null, -1);
      case ADDRESS_DEPENDENT -> new Key(inside, remote.getAddress(), -1);
      case ADDRESS_AND_PORT_DEPENDENT -> new Key(inside, remote.getAddress(), remote.getPort());
    };
  }

  private boolean admits(Mapping mapping, InetSocketAddress remote, Instant now) {
    return switch (behavior.filtering()) {
      case ENDPOINT_INDEPENDENT -> true;
      case ADDRESS_DEPENDENT -> fresh(mapping.lastToAddress.get(remote.getAddress()), now);
      case ADDRESS_AND_PORT_DEPENDENT -> fresh(mapping.lastToEndpoint.get(remote), now);
    };
  }

  private boolean fresh(Instant lastOutbound, Instant now) {
    return lastOutbound != null && now.isBefore(lastOutbound.plus(behavior.timeout()));
  }

  /** The mapping if it is still alive; an expired one is removed, which frees its port. */
  private Mapping live(Mapping mapping, Instant now) {
    if (mapping == null || fresh(mapping.lastOutbound, now)) {
      return mapping;
    }
    mapping.keys.forEach(key -> byKey.remove(key, mapping));
    byPort.remove(mapping.publicPort, mapping);
    return null;
  }

  private int allocate(int privatePort, Instant now) {
    if (behavior.ports() == PortAllocation.RANDOM) {
      for (int attempt = 0; attempt < RANDOM_ATTEMPTS; attempt++) {
        int port = MIN_PORT + randomBelow.applyAsInt(PORT_RANGE);
        if (free(port, now)) {
          return port;
        }
      }
    }
    for (int i = 0; i < PORT_RANGE; i++) {
      int port = MIN_PORT + Math.floorMod(privatePort - MIN_PORT + i, PORT_RANGE);
      if (free(port, now)) {
        return port;
      }
    }
    throw new IllegalStateException("NAT " + publicIp.getHostAddress() + " has no free public port");
  }

  private boolean free(int port, Instant now) {
    return live(byPort.get(port), now) == null;
  }

  @Override
  public String toString() {
    return "NatBox(" + publicIp.getHostAddress() + ", " + behavior + ")";
  }
}
