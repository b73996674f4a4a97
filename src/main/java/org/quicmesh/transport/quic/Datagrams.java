package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.DatagramListeners;
import org.quicmesh.transport.DatagramPlane;
import org.quicmesh.transport.TransportException;

/**
 * The raw-datagram side of the node's one UDP socket, for layers that speak UDP beside QUIC (STUN, NAT detection,
 * hole punching, path probes): they listen for a {@link DatagramKind} and send from the very socket QUIC uses, so NAT
 * mappings opened by one serve the other.
 */
public final class Datagrams implements DatagramPlane {
  private final TransportCounters counters;
  private final DatagramListeners listeners;
  private volatile Channel channel;
  /** Sockets opened with {@link #open}, by bound address. */
  private final Map<InetSocketAddress, Channel> extra = new ConcurrentHashMap<>();
  private volatile EventLoopGroup loops;

  Datagrams(TransportCounters counters) {
    this.counters = counters;
    this.listeners = new DatagramListeners(counters::reject);
  }

  @Override
  public Registration listen(DatagramKind kind, DatagramListener listener) {
    return listeners.add(kind, listener);
  }

  @Override
  public CompletionStage<Void> send(InetSocketAddress to, byte[] payload) {
    return send(channel, to, payload);
  }

  @Override
  public CompletionStage<Void> send(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
    Channel primary = channel;
    Channel socket = primary != null && primary.localAddress().equals(from) ? primary : extra.get(from);
    if (socket == null) {
      return CompletableFuture.failedFuture(new TransportException(TransportException.Kind.UNREACHABLE,
          "no local socket at " + from));
    }
    return send(socket, to, payload);
  }

  @Override
  public CompletionStage<InetSocketAddress> open(InetSocketAddress local) {
    EventLoopGroup group = loops;
    if (group == null || channel == null || !channel.isActive()) {
      return CompletableFuture.failedFuture(new TransportException(TransportException.Kind.CLOSED, "socket not open"));
    }
    CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
    // The same kind of channel as the main socket: its event loops run only that kind.
    new Bootstrap().group(group).channel(channel.getClass())
        .handler(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket packet) {
              try {
                dispatch(PacketClassifier.classify(packet.content()), packet.content(), packet.sender(),
                    packet.recipient());
              } finally {
                packet.release();
              }
            } else {
              ReferenceCountUtil.release(msg);
            }
          }
        })
        .bind(local).addListener((ChannelFuture f) -> {
          if (f.isSuccess()) {
            InetSocketAddress bound = (InetSocketAddress) f.channel().localAddress();
            extra.put(bound, f.channel());
            result.complete(bound);
          } else {
            result.completeExceptionally(new TransportException(TransportException.Kind.UNREACHABLE,
                "cannot bind " + local, f.cause()));
          }
        });
    return result;
  }

  private CompletionStage<Void> send(Channel socket, InetSocketAddress to, byte[] payload) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(payload, "payload");
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

  void attach(Channel socket, EventLoopGroup group) {
    this.channel = socket;
    this.loops = group;
  }

  /** Closes the sockets opened with {@link #open} (the transport closes its own). */
  void closeExtraSockets() {
    extra.values().forEach(Channel::close);
    extra.clear();
  }

  /** Hands one non-QUIC datagram to every listener of its kind, or drops and counts it. Does not release it. */
  void dispatch(PacketClass packetClass, ByteBuf content, InetSocketAddress sender, InetSocketAddress local) {
    DatagramKind kind = packetClass.datagramKind();
    if (kind == null) {
      counters.reject(droppedReason(packetClass));
    } else {
      listeners.dispatch(new Datagram(kind, sender, local, ByteBufUtil.getBytes(content)));
    }
  }

  static String droppedReason(PacketClass packetClass) {
    return DatagramListeners.unclaimed(packetClass.name());
  }
}
