package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.quic.QuicTransport;
import org.quicmesh.transport.quic.QuicTransportConfig;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Contact.Addresses;
import org.quicmesh.wire.DialBack;
import org.quicmesh.wire.DialBackSent;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Response;

/** Over real QUIC on loopback: a node serves a same-IP dial-back from a spare socket on another port. */
@Tag("integration")
@Timeout(60)
class DialBackOverQuicIT {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void aSameIpDialBackLeavesFromTheSpareSocketAndReachesTheRequester() throws Exception {
    Quicmesh node = Quicmesh.start(KIT.system(), "dial-back-server",
        MeshConfig.load().withListen(Addresses.parse("127.0.0.1:0")), Keypair.generate(), Transports.quic(),
        NodeEnvironment.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    InetSocketAddress nodeAddress = node.status().toCompletableFuture().get(10, TimeUnit.SECONDS).listen().get(0);
    QuicTransport asker = new QuicTransport(Keypair.generate(), QuicTransportConfig.loopback());
    try {
      asker.start(new InboundHandler() {
        @Override
        public CompletionStage<Response> onRequest(InboundRequest request) {
          return CompletableFuture.completedFuture(new Ack());
        }

        @Override
        public void onStream(NodeId peer, Source<Message, NotUsed> messages) {}
      }).toCompletableFuture().get(10, TimeUnit.SECONDS);
      List<Datagram> probes = new CopyOnWriteArrayList<>();
      asker.datagrams().listen(DatagramKind.PROBE, probes::add);
      byte[] nonce = new byte[16];
      Arrays.fill(nonce, (byte) 7);

      Response answer = asker.request(nodeAddress, new DialBack(Contact.of(asker.localId(),
              asker.listenAddresses().get(0)), DialBack.Source.OTHER_PORT, nonce, List.of()), Duration.ofSeconds(10))
          .toCompletableFuture().get(15, TimeUnit.SECONDS).response();
      DialBackSent sent = assertInstanceOf(DialBackSent.class, answer);
      for (int waited = 0; probes.isEmpty() && waited < 100; waited++) {
        Thread.sleep(50);
      }
      assertTrue(!probes.isEmpty(), "the dial-back datagram arrived");
      Datagram probe = probes.get(0);
      assertEquals(nodeAddress.getAddress(), probe.sender().getAddress());
      assertNotEquals(nodeAddress.getPort(), probe.sender().getPort(), "from the spare socket");
      assertEquals(sent.from(), Addresses.format(probe.sender()));
      assertArrayEquals(nonce, Arrays.copyOfRange(probe.payload(), 6, 22));
    } finally {
      asker.close();
      node.shutdown().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }
}
