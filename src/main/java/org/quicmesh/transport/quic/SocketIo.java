package org.quicmesh.transport.quic;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * Which Netty transport carries a node's one UDP socket. Epoll, where the native library loads (Linux), reads many
 * datagrams per system call (recvmmsg) and lets QUIC hand the kernel a train of packets in one send (UDP_SEGMENT,
 * "GSO"); at internet datagram sizes the per-packet system calls are what limits a NIO socket. NIO everywhere else.
 */
enum SocketIo {
  EPOLL, NIO;

  /** Epoll when the native transport is available, else NIO. */
  static SocketIo best() {
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  /** What {@code loops} (given by the caller, e.g. shared by many nodes in one JVM) can run. */
  static SocketIo of(EventLoopGroup loops) {
    return loops instanceof IoEventLoopGroup group && Epoll.isAvailable() && group.isCompatible(EpollIoHandle.class)
        ? EPOLL : NIO;
  }

  /** A group of {@code threads} event loops of this kind. */
  EventLoopGroup newGroup(int threads) {
    IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, factory);
  }

  Class<? extends DatagramChannel> channelClass() {
    return this == EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  /** Whether the kernel takes segmented sends (UDP_SEGMENT) on this transport. */
  boolean segments() {
    return this == EPOLL && SegmentedDatagramPacket.isSupported();
  }
}
