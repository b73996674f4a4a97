package org.quicmesh.transport.quic;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Response;

/** A started QuicTransport on loopback that records what its handler saw. */
final class TestNode implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  final Keypair keypair;
  final QuicTransport transport;
  final List<InboundRequest> seen = new CopyOnWriteArrayList<>();
  final List<Source<Message, NotUsed>> streams = new CopyOnWriteArrayList<>();
  volatile Function<InboundRequest, CompletionStage<Response>> answer =
      request -> CompletableFuture.completedFuture(new Ack());

  TestNode() {
    this(QuicTransportConfig.loopback());
  }

  TestNode(QuicTransportConfig config) {
    this(Keypair.generate(), config, new MessageStreamAdapters());
  }

  TestNode(Keypair keypair, QuicTransportConfig config, StreamAdapters adapters) {
    this.keypair = keypair;
    transport = new QuicTransport(keypair, config, adapters);
    await(transport.start(new InboundHandler() {
      @Override
      public CompletionStage<Response> onRequest(InboundRequest request) {
        seen.add(request);
        return answer.apply(request);
      }

      @Override
      public void onStream(NodeId peer, Source<Message, NotUsed> messages) {
        streams.add(messages);
      }
    }));
  }

  NodeId id() {
    return keypair.nodeId();
  }

  InetSocketAddress address() {
    return transport.listenAddresses().get(0);
  }

  Contact contact() {
    return Contact.of(id(), address());
  }

  Ping ping() {
    return new Ping(contact());
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("stage did not complete: " + e, e);
    }
  }

  /** The failure of a stage that must fail. */
  static Throwable failureOf(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("stage did not complete: " + e, e);
    }
    throw new AssertionError("stage succeeded but should have failed");
  }

  /** The first message stream a peer opened to this node, waiting up to 10 s for it. */
  Source<Message, NotUsed> firstStream() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (streams.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no inbound stream within 10 s");
      }
      Thread.sleep(10);
    }
    return streams.get(0);
  }

  /** {@code size} bytes that tell chunk {@code index} from every other (for checking order and integrity). */
  static byte[] patterned(int index, int size) {
    byte[] bytes = new byte[size];
    java.util.Arrays.fill(bytes, (byte) index);
    bytes[0] = (byte) (index >> 8);
    return bytes;
  }

  @Override
  public void close() {
    await(transport.shutdown());
  }
}
