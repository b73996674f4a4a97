package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Ping;

/** The stream seam with the default {@link MessageStreamAdapters}: messages arrive complete and in order. */
@Tag("integration")
@Timeout(60)
class QuicStreamSeamTest {
  private static ActorSystem<Void> system;

  @BeforeAll
  static void startSystem() {
    system = ActorSystem.create(Behaviors.empty(), "stream-seam");
  }

  @AfterAll
  static void stopSystem() {
    system.terminate();
  }

  @Test
  void messagesStreamedToAPeerArriveInOrderAtItsHandler() throws Exception {
    Materializer materializer = Materializer.matFromSystem(system);
    try (TestNode a = new TestNode(); TestNode b = new TestNode()) {
      List<Message> sent = IntStream.range(0, 300)
          .mapToObj(i -> (Message) new Ping(Contact.of(a.id(), new java.net.InetSocketAddress("127.0.0.1", 1 + i))))
          .toList();

      // The receiving handler runs the stream as soon as it is offered, as the InboundHandler contract asks.
      var sending = Source.from(sent).runWith(a.transport.streamTo(b.contact()), materializer);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (b.streams.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      var receiving = b.streams.get(0).runWith(Sink.seq(), materializer);
      TestNode.await(sending);
      assertEquals(sent, TestNode.await(receiving));
    }
  }
}
