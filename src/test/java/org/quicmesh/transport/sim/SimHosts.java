package org.quicmesh.transport.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.Datagram;
import org.quicmesh.transport.DatagramKind;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.transport.TransportException;
import org.quicmesh.virtualtime.SimulationSystem;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Response;

/**
 * A simulated network in virtual time and started hosts on it that answer every request with an {@link Ack} and record
 * what reaches them: the fixture of the simulator's end-to-end tests.
 */
final class SimHosts implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  final SimulationSystem<Void> sim;
  final SimNetwork network;

  /** A started host and what reached it (requests, stream messages, probe datagrams). */
  record Host(SimTransport transport, List<InboundRequest> requests, List<Message> streamed,
      List<Datagram> datagrams) {
    InetSocketAddress address() {
      return transport.address();
    }

    NodeId id() {
      return transport.localId();
    }

    Contact contact() {
      return Contact.of(transport.localId(), transport.address());
    }

    /** How someone outside reaches this host at {@code address} (its mapped one). */
    Contact at(InetSocketAddress address) {
      return Contact.of(transport.localId(), address);
    }

    InboundRequest lastRequest() {
      return requests.get(requests.size() - 1);
    }

    InetSocketAddress lastObserved() {
      return lastRequest().observedAddress();
    }

    long rejected(String reason) {
      return transport.stats().rejected().getOrDefault(reason, 0L);
    }
  }

  SimHosts(String name, Duration oneWay, long seed) {
    sim = SimulationSystem.create(name, 1, Behaviors.<Void>empty());
    network = new SimNetwork(sim.system(), sim.clock(), LatencyModel.constant(oneWay), seed);
  }

  @Override
  public void close() {
    sim.close();
  }

  Host started(SimTransport transport) {
    Host host = new Host(transport, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
        new CopyOnWriteArrayList<>());
    transport.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        host.requests().add(request);
        return CompletableFuture.completedFuture(new Ack());
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
        messages.runWith(Sink.foreach(host.streamed()::add), sim.system());
      }
    });
    transport.datagrams().listen(DatagramKind.PROBE, host.datagrams()::add);
    return host;
  }

  Host publicHost() {
    return started(network.attach(Keypair.generate()));
  }

  Host publicHostAt(InetSocketAddress address) {
    return started(network.attach(address, Keypair.generate()));
  }

  Host behind(NatBox box) {
    return started(network.attach(Keypair.generate(), box));
  }

  void run(Duration duration) {
    sim.driver().runFor(duration);
  }

  /** Runs until {@code stage} completed (and what it caused settled), {@code max} of virtual time at most. */
  void runUntilDone(CompletionStage<?> stage, Duration max) {
    sim.driver().runUntil(() -> stage.toCompletableFuture().isDone(), max);
    sim.driver().runUntilIdle();
  }

  /** A ping from one host to another at {@code to}, run to its end in virtual time. */
  CompletableFuture<Reply> request(Host from, Contact to) {
    CompletableFuture<Reply> reply =
        from.transport().request(to, new Ping(from.contact()), TIMEOUT).toCompletableFuture();
    run(TIMEOUT.plusSeconds(1));
    assertTrue(reply.isDone(), "the request ended in virtual time");
    return reply;
  }

  Reply answered(Host from, Contact to) {
    CompletableFuture<Reply> reply = request(from, to);
    assertFalse(reply.isCompletedExceptionally(), from + " should reach " + to);
    return reply.join();
  }

  void timesOut(Host from, Contact to) {
    CompletableFuture<Reply> reply = request(from, to);
    assertTrue(reply.isCompletedExceptionally(), from + " should not reach " + to);
    assertEquals(TransportException.Kind.TIMEOUT, ((TransportException) failure(reply)).kind());
  }

  /** The failure a stage completed with, unwrapped. */
  static Throwable failure(CompletionStage<?> stage) {
    return stage.toCompletableFuture().handle((r, e) -> e != null && e.getCause() != null ? e.getCause() : e).join();
  }

  static byte[] probe(String text) {
    byte[] magic = DatagramKind.probeMagic();
    byte[] body = text.getBytes(StandardCharsets.US_ASCII);
    byte[] packet = Arrays.copyOf(magic, magic.length + body.length);
    System.arraycopy(body, 0, packet, magic.length, body.length);
    return packet;
  }

  /** Sends a probe datagram and lets it land. */
  void datagram(Host from, InetSocketAddress to, String text) {
    from.transport().datagrams().send(to, probe(text));
    run(Duration.ofSeconds(1));
  }
}
