package org.quicmesh.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Raw UDP on 127.0.0.1, the ceiling a UDP transport works under: one blocking sender blasts datagrams of exactly one
 * size for a fixed time, one receiver thread counts what arrives (the rest the kernel drops at the full receive
 * buffer, as it would for QUIC).
 *
 * @param datagramBytes UDP payload size
 * @param receiveBufferBytes the receiver's requested SO_RCVBUF (as the QUIC socket asks for)
 * @param sent datagrams sent
 * @param received datagrams that arrived
 * @param mbitPerSecond payload bytes received * 8 per second, from the first send to the last arrival
 */
public record UdpReference(int datagramBytes, int receiveBufferBytes, long sent, long received, double mbitPerSecond) {
  private static final long SELECT_MILLIS = 100;

  static UdpReference measure(int datagramBytes, int receiveBufferBytes, Duration duration) throws Exception {
    try (DatagramChannel receiver = DatagramChannel.open(); DatagramChannel sender = DatagramChannel.open()) {
      receiver.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
      receiver.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      receiver.configureBlocking(false);
      sender.connect(receiver.getLocalAddress());
      Counting counting = new Counting(receiver, datagramBytes);
      Thread thread = new Thread(counting, "udp-reference-receiver");
      thread.setDaemon(true);
      thread.start();

      ByteBuffer datagram = ByteBuffer.allocateDirect(datagramBytes);
      long start = System.nanoTime();
      long deadline = start + duration.toNanos();
      long sent = 0;
      while (System.nanoTime() < deadline) {
        datagram.clear();
        sent += sender.write(datagram) == datagramBytes ? 1 : 0;
      }
      counting.senderDone = true;
      counting.finished.get(10, TimeUnit.SECONDS);
      double seconds = (counting.lastArrival - start) / 1e9;
      double mbit = counting.bytes == 0 ? 0 : counting.bytes * 8 / seconds / 1e6;
      return new UdpReference(datagramBytes, receiveBufferBytes, sent, counting.datagrams, mbit);
    }
  }

  /** Drains the receiver until it is empty after the sender stopped; fields are read after {@code finished}. */
  private static final class Counting implements Runnable {
    private final DatagramChannel channel;
    private final ByteBuffer buffer;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile boolean senderDone;
    private long datagrams;
    private long bytes;
    private long lastArrival;

    Counting(DatagramChannel channel, int datagramBytes) {
      this.channel = channel;
      this.buffer = ByteBuffer.allocateDirect(datagramBytes);
    }

    @Override
    public void run() {
      try (Selector selector = Selector.open()) {
        channel.register(selector, SelectionKey.OP_READ);
        while (true) {
          // Read before receiving: a loopback write is in our buffer (or dropped) when it returns, so once the
          // sender is done an empty receive means nothing more comes.
          boolean lastRound = senderDone;
          buffer.clear();
          if (channel.receive(buffer) != null) {
            datagrams++;
            bytes += buffer.position();
            lastArrival = System.nanoTime();
          } else if (lastRound) {
            break;
          } else {
            selector.select(SELECT_MILLIS);
            selector.selectedKeys().clear();
          }
        }
        finished.complete(null);
      } catch (IOException | RuntimeException e) {
        finished.completeExceptionally(e);
      }
    }
  }
}
