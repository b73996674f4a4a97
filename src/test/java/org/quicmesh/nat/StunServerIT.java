package org.quicmesh.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.stun.StunAttribute.ChangeRequest;
import org.quicmesh.nat.stun.StunAttribute.OtherAddress;
import org.quicmesh.nat.stun.StunAttribute.ResponseOrigin;
import org.quicmesh.nat.stun.StunAttribute.Software;
import org.quicmesh.nat.stun.StunAttribute.XorMappedAddress;
import org.quicmesh.nat.stun.StunClass;
import org.quicmesh.nat.stun.StunCodec;
import org.quicmesh.nat.stun.StunMessage;
import org.quicmesh.nat.stun.StunServerAddresses;
import org.quicmesh.nat.stun.TransactionId;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.quic.QuicTransport;
import org.quicmesh.transport.quic.QuicTransportConfig;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Response;

/** The STUN server on a node's QUIC port, against our own client bytes and against coturn's client. */
@Tag("integration")
@Timeout(60)
class StunServerIT {
  private static final Path COTURN_CLIENT = Path.of("/usr/bin/turnutils_stunclient");

  private QuicTransport node;
  private StunServer server;

  @BeforeEach
  void start() throws Exception {
    node = started(Keypair.generate());
    server = StunServer.install(node.datagrams(), StunServerAddresses.single(address(node)));
  }

  @AfterEach
  void stop() {
    server.close();
    node.close();
  }

  @Test
  void answersABindingRequestOnTheQuicPortWithTheClientsAddress() throws Exception {
    try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      client.setSoTimeout(5000);
      TransactionId id = TransactionId.random(new Random(1));
      byte[] request = StunCodec.encode(StunMessage.bindingRequest(id));
      client.send(new DatagramPacket(request, request.length, address(node)));
      DatagramPacket got = new DatagramPacket(new byte[1500], 1500);
      client.receive(got);

      StunMessage response = StunCodec.decode(Arrays.copyOf(got.getData(), got.getLength()));
      assertEquals(StunClass.SUCCESS_RESPONSE, response.type());
      assertEquals(id, response.transactionId());
      assertEquals(client.getLocalSocketAddress(), response.attribute(XorMappedAddress.class).orElseThrow().address());
      assertEquals(StunServer.SOFTWARE, response.attribute(Software.class).orElseThrow().description());
      assertEquals(address(node), got.getSocketAddress(), "answered from the QUIC port itself");
      assertEquals(1, server.stats().requests());
    }
  }

  @Test
  void malformedStunIsCountedAndTheNodeKeepsServingQuic() throws Exception {
    try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      byte[] valid = StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(new Random(2))));
      byte[] badFingerprint = valid.clone();
      badFingerprint[valid.length - 1] ^= 1;
      byte[] badAttribute = Arrays.copyOf(valid, valid.length);
      badAttribute[23] = 120; // the FINGERPRINT attribute claims 120 bytes
      for (byte[] junk : new byte[][] {badFingerprint, badAttribute}) {
        client.send(new DatagramPacket(junk, junk.length, address(node)));
      }
      QuicTransport other = started(Keypair.generate());
      try {
        Contact target = Contact.of(node.localId(), address(node));
        Response pong = other.request(target, new Ping(Contact.of(other.localId(), address(other))),
            Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS).response();
        assertInstanceOf(Ack.class, pong);
      } finally {
        other.close();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (server.stats().malformed().size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1L, server.stats().malformed().get("bad-fingerprint"));
      assertEquals(1L, server.stats().malformed().get("bad-attribute"));
      assertEquals(0, server.stats().requests());
    }
  }

  @Test
  void coturnsStunClientPrintsItsReflexiveAddressFromTheNodesPort() throws Exception {
    assumeTrue(Files.isExecutable(COTURN_CLIENT), "coturn's turnutils_stunclient is not installed (apt-get install coturn)");
    Process process = new ProcessBuilder(COTURN_CLIENT.toString(), "-p", String.valueOf(address(node).getPort()),
        "127.0.0.1").redirectErrorStream(true).start();
    assertTrue(process.waitFor(20, TimeUnit.SECONDS), "turnutils_stunclient did not finish");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("UDP reflexive addr: ([0-9.]+):(\\d+)").matcher(output);
    assertTrue(m.find(), "no reflexive address in: " + output);
    assertEquals(0, process.exitValue(), output);
    InetSocketAddress seen = server.lastClient();
    assertEquals(seen.getAddress().getHostAddress(), m.group(1), output);
    assertEquals(seen.getPort(), Integer.parseInt(m.group(2)), output);
  }

  @Test
  void aTwoAddressServerAnswersChangeRequestsFromItsOtherIpAndPort() throws Exception {
    InetSocketAddress primary = address(node);
    InetAddress ip2 = InetAddress.getByName("127.0.0.2");
    int port2 = primary.getPort() + 1;
    server.close();
    server = StunServer.installWithAlternates(node.datagrams(),
        StunServerAddresses.rfc5780(primary, ip2, port2));
    assertTrue(server.alternatesReady().toCompletableFuture().get(5, TimeUnit.SECONDS), "alternate sockets open");
    try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      client.setSoTimeout(5000);
      byte[] request = StunCodec.encode(StunMessage.bindingRequest(TransactionId.random(new Random(3)),
          new ChangeRequest(true, true)));
      client.send(new DatagramPacket(request, request.length, primary));
      DatagramPacket got = new DatagramPacket(new byte[1500], 1500);
      client.receive(got);
      InetSocketAddress other = new InetSocketAddress(ip2, port2);
      assertEquals(other, got.getSocketAddress(), "answered from the other IP and port");
      StunMessage response = StunCodec.decode(Arrays.copyOf(got.getData(), got.getLength()));
      assertEquals(other, response.attribute(ResponseOrigin.class).orElseThrow().address());
      assertEquals(other, response.attribute(OtherAddress.class).orElseThrow().address());
    }
  }

  @Test
  void coturnsRfc5780ToolFindsNoNatAgainstATwoAddressNodeOnLoopback() throws Exception {
    Path natdiscovery = Path.of("/usr/bin/turnutils_natdiscovery");
    assumeTrue(Files.isExecutable(natdiscovery), "coturn's turnutils_natdiscovery is not installed");
    InetSocketAddress primary = address(node);
    server.close();
    server = StunServer.installWithAlternates(node.datagrams(),
        StunServerAddresses.rfc5780(primary, InetAddress.getByName("127.0.0.2"), primary.getPort() + 1));
    assertTrue(server.alternatesReady().toCompletableFuture().get(5, TimeUnit.SECONDS), "alternate sockets open");
    Process process = new ProcessBuilder(natdiscovery.toString(), "-m", "-f", "-p",
        String.valueOf(primary.getPort()), "127.0.0.1").redirectErrorStream(true).start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "turnutils_natdiscovery did not finish");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(output.contains("Endpoint Independent Mapping"), output);
    assertTrue(output.contains("Endpoint Independent Filtering"), output);
  }

  private static InetSocketAddress address(QuicTransport transport) {
    return transport.listenAddresses().get(0);
  }

  private static QuicTransport started(Keypair keypair) throws IOException {
    QuicTransport transport = new QuicTransport(keypair,
        QuicTransportConfig.loopback());
    try {
      transport.start(new InboundHandler() {
        @Override
        public CompletionStage<Response> onRequest(InboundRequest request) {
          return CompletableFuture.completedFuture(new Ack());
        }

        @Override
        public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
          // no streams in these tests
        }
      }).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("transport did not start", e);
    }
    return transport;
  }
}
