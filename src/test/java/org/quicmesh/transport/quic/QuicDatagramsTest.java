package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.wire.Ack;

/** The raw-datagram seam of the one socket: STUN and probes beside QUIC. */
@Tag("integration")
@Timeout(30)
class QuicDatagramsTest {

  private static byte[] probe(String text) {
    byte[] magic = DatagramKind.probeMagic();
    byte[] body = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] packet = Arrays.copyOf(magic, magic.length + body.length);
    System.arraycopy(body, 0, packet, magic.length, body.length);
    return packet;
  }

  @Test
  void everyListenerOfAKindReceivesProbesFromTheQuicPortAndAFailingOneIsCounted() throws Exception {
    try (TestNode node = new TestNode();
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      CompletableFuture<Datagram> first = new CompletableFuture<>();
      CompletableFuture<Datagram> second = new CompletableFuture<>();
      node.transport.datagrams().listen(DatagramKind.PROBE, first::complete);
      node.transport.datagrams().listen(DatagramKind.PROBE, d -> {
        throw new IllegalStateException("a faulty layer");
      });
      node.transport.datagrams().listen(DatagramKind.PROBE, second::complete);

      byte[] packet = probe("hello");
      peer.send(new DatagramPacket(packet, packet.length, node.address()));

      Datagram got = first.get(5, TimeUnit.SECONDS);
      assertArrayEquals(packet, got.payload());
      assertEquals(DatagramKind.PROBE, got.kind());
      assertEquals(peer.getLocalSocketAddress(), got.sender());
      assertEquals(node.address().getPort(), got.local().getPort());
      assertArrayEquals(packet, second.get(5, TimeUnit.SECONDS).payload());
      assertEquals(1L, node.transport.stats().rejected().get("datagram-listener-error"));
    }
  }

  @Test
  void aCancelledListenerReceivesNothingMore() throws Exception {
    try (TestNode node = new TestNode();
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      CompletableFuture<Datagram> received = new CompletableFuture<>();
      node.transport.datagrams().listen(DatagramKind.PROBE, received::complete).cancel();
      byte[] packet = probe("nobody home");
      peer.send(new DatagramPacket(packet, packet.length, node.address()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (node.transport.datagrams().dropped().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1L, node.transport.datagrams().dropped().get(PacketClass.PROBE));
      assertFalse(received.isDone());
    }
  }

  @Test
  void sendLeavesFromTheSameSocketQuicUses() throws Exception {
    try (TestNode node = new TestNode();
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      peer.setSoTimeout(5000);
      byte[] packet = probe("punch");

      TestNode.await(node.transport.datagrams().send((InetSocketAddress) peer.getLocalSocketAddress(), packet));

      DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
      peer.receive(got);
      assertArrayEquals(packet, Arrays.copyOf(got.getData(), got.getLength()));
      assertEquals(node.address(), got.getSocketAddress());
    }
  }

  @Test
  void unclaimedAndGarbageDatagramsAreDroppedAndCountedWhileQuicKeepsWorking() throws Exception {
    try (TestNode node = new TestNode(); TestNode other = new TestNode();
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      byte[] stun = new byte[20];
      stun[1] = 0x01;
      stun[4] = 0x21; stun[5] = 0x12; stun[6] = (byte) 0xA4; stun[7] = 0x42;
      byte[] garbage = {0x01, 0x02, 0x03};
      peer.send(new DatagramPacket(stun, stun.length, node.address()));
      peer.send(new DatagramPacket(garbage, garbage.length, node.address()));
      byte[] probe = probe("nobody");
      peer.send(new DatagramPacket(probe, probe.length, node.address()));

      // A round trip over QUIC after the junk: the socket kept serving, and the junk was processed first.
      assertInstanceOf(Ack.class,
          TestNode.await(other.transport.request(node.contact(), other.ping(), Duration.ofSeconds(5))).response());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (node.transport.datagrams().dropped().size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1L, node.transport.datagrams().dropped().get(PacketClass.STUN));
      assertEquals(1L, node.transport.datagrams().dropped().get(PacketClass.UNKNOWN));
      assertEquals(1L, node.transport.datagrams().dropped().get(PacketClass.PROBE));
      assertEquals(1L, node.transport.stats().rejected().get("unclaimed-stun"));
    }
  }
}
