package org.quicmesh.transport.quic;

import io.netty.handler.codec.quic.QuicChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import org.quicmesh.identity.NodeId;
import org.quicmesh.wire.Contact;

/**
 * One QUIC connection per peer NodeId, shared by all requests to that peer, whichever side dialed it (a connection a
 * peer opened to us carries our requests to it too: that is what works through its NAT). Concurrent first requests
 * to a peer share one dial; a closed connection leaves the pool (another live one to the same peer takes its place,
 * otherwise the next request redials).
 */
final class ConnectionPool {
  private final BiFunction<InetSocketAddress, NodeId, CompletableFuture<PeerConnection>> dialer;
  private final BiFunction<NodeId, InetSocketAddress, InetSocketAddress> dialAddress;
  private final ConcurrentMap<NodeId, PeerConnection> byPeer = new ConcurrentHashMap<>();
  private final Set<PeerConnection> live = ConcurrentHashMap.newKeySet();
  private final ConcurrentMap<Object, CompletableFuture<PeerConnection>> dials = new ConcurrentHashMap<>();

  /**
   * @param dialer dials an address and verifies the peer (expected NodeId, or null to accept any)
   * @param dialAddress where to dial a peer given its contact address (its stable address when it has a route)
   */
  ConnectionPool(BiFunction<InetSocketAddress, NodeId, CompletableFuture<PeerConnection>> dialer,
      BiFunction<NodeId, InetSocketAddress, InetSocketAddress> dialAddress) {
    this.dialer = dialer;
    this.dialAddress = dialAddress;
  }

  /**
   * The connection to a peer: any live one, or for a routed peer (whose dial address differs from its contact's) only
   * one bound to its route, so that traffic follows the route rather than a plain connection made before it.
   */
  CompletableFuture<PeerConnection> connect(Contact contact) {
    InetSocketAddress address = dialAddress.apply(contact.id(), contact.socketAddress());
    boolean routed = !address.equals(contact.socketAddress());
    PeerConnection existing = byPeer.get(contact.id());
    if (existing != null && existing.channel().isActive()
        && (!routed || address.equals(existing.channel().remoteSocketAddress()))) {
      return CompletableFuture.completedFuture(existing);
    }
    if (routed) {
      for (PeerConnection connection : live) {
        if (connection.channel().isActive() && address.equals(connection.channel().remoteSocketAddress())) {
          return CompletableFuture.completedFuture(connection);
        }
      }
    }
    // Keyed by address too: a dial over a new route must not join a direct dial still pending to the same peer.
    return dialOnce(List.of(contact.id(), address), address, contact.id());
  }

  /** A connection to whoever answers at {@code address} (bootstrap): reuses one already open to that address. */
  CompletableFuture<PeerConnection> connect(InetSocketAddress address) {
    for (PeerConnection connection : live) {
      if (connection.channel().isActive() && address.equals(connection.channel().remoteSocketAddress())) {
        return CompletableFuture.completedFuture(connection);
      }
    }
    return dialOnce(address, address, null);
  }

  private CompletableFuture<PeerConnection> dialOnce(Object key, InetSocketAddress address, NodeId expected) {
    CompletableFuture<PeerConnection> mine = new CompletableFuture<>();
    CompletableFuture<PeerConnection> pending = dials.putIfAbsent(key, mine);
    if (pending != null) {
      return pending;
    }
    mine.whenComplete((connection, error) -> dials.remove(key, mine));
    dialer.apply(address, expected).whenComplete((connection, error) -> {
      if (error != null) {
        mine.completeExceptionally(error);
      } else {
        adopt(connection);
        mine.complete(connection);
      }
    });
    return mine;
  }

  /** Adds a verified connection (dialed or accepted); it leaves the pool when it closes. */
  void adopt(PeerConnection connection) {
    live.add(connection);
    byPeer.merge(connection.peer(), connection, (old, fresh) -> old.channel().isActive() ? old : fresh);
    connection.channel().closeFuture().addListener(closed -> forget(connection));
  }

  /** Takes a connection out of the pool at once (the next request redials) and closes it; false if already gone. */
  boolean retire(PeerConnection connection) {
    boolean wasLive = live.contains(connection);
    forget(connection);
    connection.channel().close();
    return wasLive;
  }

  private void forget(PeerConnection connection) {
    live.remove(connection);
    if (byPeer.remove(connection.peer(), connection)) {
      for (PeerConnection other : live) {
        if (other.peer().equals(connection.peer()) && other.channel().isActive()) {
          byPeer.putIfAbsent(other.peer(), other);
          break;
        }
      }
    }
  }

  int size() {
    return live.size();
  }

  List<QuicChannel> channels() {
    return live.stream().map(PeerConnection::channel).toList();
  }
}
