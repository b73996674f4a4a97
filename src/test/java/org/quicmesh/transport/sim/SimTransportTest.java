package org.quicmesh.transport.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.TransportException;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Response;

class SimTransportTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  private SimNetwork network;
  private final AtomicInteger handled = new AtomicInteger();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    network = new SimNetwork(KIT.system(), Clock.systemUTC(), LatencyModel.constant(Duration.ofMillis(5)), 1);
  }

  private SimTransport host(Keypair keypair) {
    SimTransport transport = network.attach(keypair);
    transport.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        handled.incrementAndGet();
        return CompletableFuture.completedFuture(new Ack());
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
        messages.runWith(Sink.ignore(), KIT.system());
      }
    });
    return transport;
  }

  private static Contact contact(SimTransport t) {
    return Contact.of(t.localId(), t.listenAddresses().get(0));
  }

  private static Throwable failureOf(CompletionStage<?> stage) throws Exception {
    try {
      stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void requestIsAnsweredWithTheVerifiedPeerAndRtt() throws Exception {
    SimTransport a = host(Keypair.generate());
    SimTransport b = host(Keypair.generate());
    Reply reply = a.request(contact(b), new Ping(contact(a)), TIMEOUT).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(b.localId(), reply.peer());
    assertInstanceOf(Ack.class, reply.response());
    assertTrue(reply.rtt().toMillis() >= 10, "rtt covers both one-way delays: " + reply.rtt());
  }

  @Test
  void addressHeldByAnotherNodeFailsWithIdentityMismatch() throws Exception {
    SimTransport a = host(Keypair.generate());
    SimTransport b = host(Keypair.generate());
    Contact wrong = Contact.of(Keypair.generate().nodeId(), b.listenAddresses().get(0));
    Throwable failure = failureOf(a.request(wrong, new Ping(contact(a)), TIMEOUT));
    assertEquals(TransportException.Kind.IDENTITY_MISMATCH, ((TransportException) failure).kind());
    assertEquals(0, handled.get());
  }

  @Test
  void spoofedFromIsRejectedAndCountedBeforeTheHandler() throws Exception {
    SimTransport a = host(Keypair.generate());
    SimTransport b = host(Keypair.generate());
    Contact impostor = Contact.of(Keypair.generate().nodeId(), a.listenAddresses().get(0));
    Throwable failure = failureOf(a.request(contact(b), new Ping(impostor), TIMEOUT));
    assertEquals(TransportException.Kind.REJECTED, ((TransportException) failure).kind());
    assertEquals(0, handled.get());
    assertEquals(1L, b.stats().rejected().get("from-mismatch"));
  }

  @Test
  void crashedPeerTimesOut() throws Exception {
    SimTransport a = host(Keypair.generate());
    SimTransport b = host(Keypair.generate());
    network.crash(b.listenAddresses().get(0));
    Throwable failure = failureOf(a.request(contact(b), new Ping(contact(a)), TIMEOUT));
    assertEquals(TransportException.Kind.TIMEOUT, ((TransportException) failure).kind());
    network.recover(b.listenAddresses().get(0));
    a.request(contact(b), new Ping(contact(a)), TIMEOUT).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void partitionSeparatesAndHealRestores() throws Exception {
    SimTransport a = host(Keypair.generate());
    SimTransport b = host(Keypair.generate());
    network.partition(List.of(a.listenAddresses().get(0)));
    failureOf(a.request(contact(b), new Ping(contact(a)), TIMEOUT));
    network.heal();
    a.request(contact(b), new Ping(contact(a)), TIMEOUT).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void streamDeliversInOrderAndBackpressuresAStalledReceiver() throws Exception {
    CompletableFuture<Source<Message, NotUsed>> inbound = new CompletableFuture<>();
    SimTransport a = host(Keypair.generate());
    SimTransport b = network.attach(Keypair.generate());
    b.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        return CompletableFuture.completedFuture(new Ack());
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
        inbound.complete(messages);
      }
    });
    AtomicInteger pulled = new AtomicInteger();
    CompletionStage<?> sending = Source.range(1, 1000)
        .map(i -> {
          pulled.incrementAndGet();
          return (Message) new Ping(Contact.of(a.localId(), network.nextAddress()));
        })
        .runWith(a.streamTo(contact(b)), KIT.system());
    Source<Message, NotUsed> received = inbound.get(5, TimeUnit.SECONDS);
    // Nobody reads yet: the sender stalls after the window plus the receiver's buffer (plus stage buffers).
    Thread.sleep(300);
    assertTrue(pulled.get() < 200, "sender stalled at " + pulled.get());
    List<Message> all = received.runWith(Sink.seq(), KIT.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(1000, all.size());
    sending.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
