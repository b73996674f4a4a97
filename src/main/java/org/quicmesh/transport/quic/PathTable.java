package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Path;

/**
 * The path layer's state. A routed peer gets a stable address that QUIC alone sees (its connections are bound to it
 * for life) and a current {@link Path} that the layer beneath QUIC sends over. Inbound packets find their peer by
 * relay session or, when they come straight from the peer, by destination connection id: only ids of the route's
 * own connections are mapped, so a connection made the ordinary way to the same real address is never taken for one.
 *
 * <p>Read on the event loop for every packet, written from any thread: concurrent maps and a volatile path. With no
 * routes, lookups are a single emptiness check.
 */
final class PathTable {
  /** Stable addresses come from 100::/64, the IPv6 discard-only prefix (RFC 6666): never a real peer. */
  private static final byte DISCARD_PREFIX_HIGH = 0x01;

  private final AtomicLong nextStable = new AtomicLong(1);
  private final ConcurrentMap<NodeId, Route> byPeer = new ConcurrentHashMap<>();
  private final ConcurrentMap<InetSocketAddress, Route> byStable = new ConcurrentHashMap<>();
  private final ConcurrentMap<ConnectionId, Route> byConnectionId = new ConcurrentHashMap<>();
  private final ConcurrentMap<SessionKey, Route> bySession = new ConcurrentHashMap<>();

  /**
   * One routed peer: the path we send over now, and the last relay session it had. Frames of that session keep being
   * accepted while we send direct: the peer switches on its own and may still send through the relay (and its
   * prober checks the relay path).
   */
  static final class Route {
    final NodeId peer;
    final InetSocketAddress stable;
    volatile Path path;
    volatile Path.Relayed relay;
    final Set<ConnectionId> connectionIds = ConcurrentHashMap.newKeySet();

    Route(NodeId peer, InetSocketAddress stable, Path path) {
      this.peer = peer;
      this.stable = stable;
      this.path = path;
    }
  }

  /** A 16-byte connection id of ours ({@link ConnectionIds#LENGTH}), as two longs. */
  record ConnectionId(long high, long low) {
    static ConnectionId at(ByteBuf packet, int offset) {
      return new ConnectionId(packet.getLong(offset), packet.getLong(offset + 8));
    }
  }

  private record SessionKey(InetSocketAddress relay, long session) {}

  /** Routes {@code peer} over {@code path}; returns the route (new ones get a fresh stable address). */
  Route route(NodeId peer, Path path) {
    Route route = byPeer.computeIfAbsent(peer, p -> {
      Route fresh = new Route(p, newStableAddress(), path);
      byStable.put(fresh.stable, fresh);
      return fresh;
    });
    route.path = path;
    if (path instanceof Path.Relayed relayed) {
      Path.Relayed old = route.relay;
      if (old != null && !old.equals(relayed)) {
        bySession.remove(new SessionKey(old.relayAddress(), old.session()), route);
      }
      route.relay = relayed;
      bySession.put(new SessionKey(relayed.relayAddress(), relayed.session()), route);
    }
    return route;
  }

  Optional<Path> path(NodeId peer) {
    Route route = byPeer.get(peer);
    return route == null ? Optional.empty() : Optional.of(route.path);
  }

  Map<NodeId, Path> paths() {
    return byPeer.values().stream().collect(Collectors.toUnmodifiableMap(r -> r.peer, r -> r.path));
  }

  /** Removes the route of {@code peer}; returns its stable address (to close its connections), or null. */
  InetSocketAddress forget(NodeId peer) {
    Route route = byPeer.remove(peer);
    if (route == null) {
      return null;
    }
    byStable.remove(route.stable, route);
    route.connectionIds.forEach(id -> byConnectionId.remove(id, route));
    Path.Relayed relayed = route.relay;
    if (relayed != null) {
      bySession.remove(new SessionKey(relayed.relayAddress(), relayed.session()), route);
    }
    return route.stable;
  }

  /** Where to dial {@code peer}: its stable address if routed, else {@code contactAddress}. */
  InetSocketAddress dialAddress(NodeId peer, InetSocketAddress contactAddress) {
    Route route = byPeer.get(peer);
    return route == null ? contactAddress : route.stable;
  }

  /** The route a stable address belongs to, or null (also for every real address). */
  Route byStable(SocketAddress address) {
    return byStable.isEmpty() ? null : byStable.get(address);
  }

  /** The route whose relay session {@code session} at {@code relay} is, or null. */
  Route fromRelay(InetSocketAddress relay, long session) {
    return bySession.get(new SessionKey(relay, session));
  }

  /**
   * The route an inbound QUIC packet belongs to by its destination connection id, or null. {@code dcidOffset} is
   * where the id starts (6 in a long header, 1 in a short one).
   */
  Route byDestination(ByteBuf packet, int dcidOffset) {
    if (byConnectionId.isEmpty() || packet.readableBytes() < dcidOffset + ConnectionIds.LENGTH) {
      return null;
    }
    return byConnectionId.get(ConnectionId.at(packet, packet.readerIndex() + dcidOffset));
  }

  /**
   * Remembers the source connection id of an outbound long-header packet on {@code route}: the id the peer puts in
   * every packet it sends back, whatever path they take.
   */
  void learnSource(Route route, ByteBuf packet) {
    int start = packet.readerIndex();
    if (packet.readableBytes() < 7 || (packet.getUnsignedByte(start) & 0x80) == 0) {
      return;
    }
    int scidLengthAt = start + 6 + packet.getUnsignedByte(start + 5);
    if (packet.writerIndex() <= scidLengthAt + ConnectionIds.LENGTH
        || packet.getUnsignedByte(scidLengthAt) != ConnectionIds.LENGTH) {
      return;
    }
    ConnectionId id = ConnectionId.at(packet, scidLengthAt + 1);
    if (route.connectionIds.add(id)) {
      byConnectionId.put(id, route);
    }
  }

  /**
   * The real address behind {@code address}: the current path's address (the peer's, or its relay's) for a stable
   * one, the address itself otherwise. What replies and observed addresses report.
   */
  InetSocketAddress real(SocketAddress address) {
    Route route = byStable(address);
    return route == null ? (InetSocketAddress) address : route.path.via();
  }

  private InetSocketAddress newStableAddress() {
    long n = nextStable.getAndIncrement();
    byte[] ip = new byte[16];
    ip[0] = DISCARD_PREFIX_HIGH;
    for (int i = 0; i < 8; i++) {
      ip[15 - i] = (byte) (n >>> (8 * i));
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), 1);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 16-byte address is always valid", e);
    }
  }
}
