package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.quicmesh.transport.TransportException;

/**
 * The raw-datagram side of the node's one UDP socket, for layers that speak UDP beside QUIC (STUN address discovery,
 * hole punching, path probes): they register for a {@link PacketClass} and send from the very socket QUIC uses, so
 * NAT mappings opened by one serve the other.
 */
public final class Datagrams {
  private final Map<PacketClass, DatagramHandler> handlers = new ConcurrentHashMap<>();
  private final TransportCounters counters;
  private volatile Channel channel;

  Datagrams(TransportCounters counters) {
    this.counters = counters;
  }

  /**
   * Routes every datagram of {@code packetClass} (only {@link PacketClass#STUN} or {@link PacketClass#PROBE}) to
   * {@code handler}, replacing an earlier registration.
   */
  public void register(PacketClass packetClass, DatagramHandler handler) {
    requireRegistrable(packetClass);
    handlers.put(packetClass, Objects.requireNonNull(handler, "handler"));
  }

  /** Stops routing {@code packetClass}; its datagrams are dropped and counted again. */
  public void unregister(PacketClass packetClass) {
    requireRegistrable(packetClass);
    handlers.remove(packetClass);
  }

  /** Sends one datagram from the node's socket. Completes when written, or fails with a TransportException. */
  public CompletionStage<Void> send(InetSocketAddress to, byte[] payload) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(payload, "payload");
    Channel socket = channel;
    CompletableFuture<Void> result = new CompletableFuture<>();
    if (socket == null || !socket.isActive()) {
      result.completeExceptionally(new TransportException(TransportException.Kind.CLOSED, "socket not open"));
      return result;
    }
    socket.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(payload), to)).addListener(f -> {
      if (f.isSuccess()) {
        result.complete(null);
      } else {
        result.completeExceptionally(
            new TransportException(TransportException.Kind.UNREACHABLE, "datagram to " + to + " failed", f.cause()));
      }
    });
    return result;
  }

  /** Counts of datagrams dropped because nobody claimed them, by class. */
  public Map<PacketClass, Long> dropped() {
    Map<PacketClass, Long> result = new EnumMap<>(PacketClass.class);
    for (PacketClass c : PacketClass.values()) {
      long n = counters.rejected(droppedReason(c));
      if (n > 0) {
        result.put(c, n);
      }
    }
    return result;
  }

  void attach(Channel socket) {
    this.channel = socket;
  }

  /** Hands one non-QUIC datagram to its handler, or drops and counts it. Does not release {@code content}. */
  void dispatch(PacketClass packetClass, ByteBuf content, InetSocketAddress sender) {
    DatagramHandler handler = packetClass == PacketClass.UNKNOWN ? null : handlers.get(packetClass);
    if (handler == null) {
      counters.reject(droppedReason(packetClass));
      return;
    }
    try {
      handler.onDatagram(content, sender);
    } catch (RuntimeException e) {
      // A faulty layer must not take the socket down.
      counters.reject("datagram-handler-error");
    }
  }

  static String droppedReason(PacketClass packetClass) {
    return "unclaimed-" + packetClass.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private static void requireRegistrable(PacketClass packetClass) {
    if (packetClass != PacketClass.STUN && packetClass != PacketClass.PROBE) {
      throw new IllegalArgumentException("only STUN and PROBE datagrams can be claimed, not " + packetClass);
    }
  }
}
