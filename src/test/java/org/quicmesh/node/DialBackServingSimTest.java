package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.sim.LatencyModel;
import org.quicmesh.transport.sim.SimNetwork;
import org.quicmesh.transport.sim.SimTransport;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.DialBack;
import org.quicmesh.wire.DialBackRelay;
import org.quicmesh.wire.DialBackSent;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.Request;
import org.quicmesh.wire.Response;

/** A node serves dial-backs to the requester's own address only, and only so many per peer; refusals are counted. */
class DialBackServingSimTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private final SimNetwork network =
      new SimNetwork(KIT.system(), Clock.systemUTC(), LatencyModel.constant(Duration.ofMillis(5)), 23);

  /** A bare transport that asks for dial-backs and records the probes reaching it. */
  private record Asker(SimTransport transport, List<Datagram> probes) {
    Contact contact() {
      return Contact.of(transport.localId(), transport.listenAddresses().get(0));
    }

    Response ask(InetSocketAddress node, Request request) throws Exception {
      return transport.request(node, request, Duration.ofSeconds(5)).toCompletableFuture()
          .get(10, TimeUnit.SECONDS).response();
    }
  }

  private Asker asker() {
    SimTransport transport = network.attach(Keypair.generate());
    transport.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        return CompletableFuture.completedFuture(new Ack());
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {}
    });
    List<Datagram> probes = new CopyOnWriteArrayList<>();
    transport.datagrams().listen(DatagramKind.PROBE, probes::add);
    return new Asker(transport, probes);
  }

  private static byte[] nonce(int n) {
    byte[] nonce = new byte[16];
    Arrays.fill(nonce, (byte) n);
    return nonce;
  }

  @Test
  void aSameIpDialBackComesFromAnotherPortToTheRequesterAndTheSeventhIsRateLimited() throws Exception {
    ActorRef<MeshNode.Command> node = KIT.spawn(MeshNode.create(MeshConfig.load(), Keypair.generate(),
        (system, kp, config) -> network.attach(kp), NodeEnvironment.system()));
    InetSocketAddress nodeAddress = status(node).listen().get(0);
    Asker asker = asker();

    Response first = asker.ask(nodeAddress, new DialBack(asker.contact(), DialBack.Source.OTHER_PORT, nonce(1),
        List.of()));
    DialBackSent sent = assertInstanceOf(DialBackSent.class, first);
    for (int waited = 0; asker.probes().isEmpty() && waited < 40; waited++) {
      Thread.sleep(50); // the datagram crosses the simulated network on its own schedule
    }
    Datagram probe = asker.probes().get(0);
    assertEquals(nodeAddress.getAddress(), probe.sender().getAddress());
    assertNotEquals(nodeAddress.getPort(), probe.sender().getPort(), "from another port than the one asked");
    assertEquals(sent.from(), Contact.Addresses.format(probe.sender()));
    assertArrayEquals(nonce(1), Arrays.copyOfRange(probe.payload(), 6, 22));

    for (int i = 2; i <= 6; i++) {
      assertInstanceOf(DialBackSent.class, asker.ask(nodeAddress,
          new DialBackRelay(asker.contact(), Contact.Addresses.format(asker.transport().listenAddresses().get(0)), nonce(i))));
    }
    Rejected refused = assertInstanceOf(Rejected.class, asker.ask(nodeAddress,
        new DialBack(asker.contact(), DialBack.Source.OTHER_PORT, nonce(7), List.of())));
    assertEquals(Rejected.Reason.RATE_LIMITED, refused.reason());

    Asker other = asker();
    Rejected noRelay = assertInstanceOf(Rejected.class, other.ask(nodeAddress, new DialBack(other.contact(),
        DialBack.Source.OTHER_IP, nonce(8), List.of(asker.transport().listenAddresses().get(0).getAddress().getHostAddress()))));
    assertEquals(Rejected.Reason.UNSUPPORTED, noRelay.reason(), "no peer outside the avoided IPs: " + noRelay);

    var counters = status(node).telemetry().nat().detector();
    assertEquals(1L, counters.get("dial-back.refused.rate-limited"), counters.toString());
    assertEquals(1L, counters.get("dial-back.refused.no-relay"), counters.toString());
    assertEquals(1L, counters.get("dial-back.sent.other-port"), counters.toString());
    assertEquals(5L, counters.get("dial-back.relays-sent"), counters.toString());
  }

  private static NodeStatus status(ActorRef<MeshNode.Command> node) {
    TestProbe<StatusReply<NodeStatus>> probe = KIT.createTestProbe();
    node.tell(new MeshNode.GetStatus(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10)).getValue();
  }
}
