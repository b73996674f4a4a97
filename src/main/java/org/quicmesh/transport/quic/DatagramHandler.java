package org.quicmesh.transport.quic;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Receives the non-QUIC datagrams of one {@link PacketClass} (STUN answers, path probes) from the node's socket.
 * Called on the socket's event loop: must not block.
 */
@FunctionalInterface
public interface DatagramHandler {
  /**
   * @param content the datagram's bytes; valid only during this call (the transport releases it afterwards):
   *     copy or {@code retain()} what must outlive it
   * @param sender the remote address it came from
   */
  void onDatagram(ByteBuf content, InetSocketAddress sender);
}
