package org.quicmesh.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.Reply;
import org.quicmesh.wire.Ack;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Ping;
import org.quicmesh.wire.Response;

/** Many transports in one process can run on one lent event-loop group, which outlives them. */
@Tag("integration")
@Timeout(60)
class SharedEventLoopsTest {
  private static final InboundHandler ACK = new InboundHandler() {
    @Override
    public CompletionStage<Response> onRequest(InboundRequest request) {
      return CompletableFuture.completedFuture(new Ack());
    }

    @Override
    public void onStream(NodeId peer, Source<Message, NotUsed> messages) {}
  };

  @Test
  void transportsOnALentGroupTalkAndLeaveTheGroupRunningWhenTheyShutDown() throws Exception {
    talkOn(new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()));
  }

  /** The shared loops the bench and embedders get: native epoll here, whose sockets must be epoll ones too. */
  @Test
  void transportsOnNativeSharedLoopsTalkToo() throws Exception {
    talkOn(QuicTransport.newSharedEventLoops(1));
  }

  private static void talkOn(EventLoopGroup loops) throws Exception {
    try {
      Keypair a = Keypair.generate();
      Keypair b = Keypair.generate();
      QuicTransport first = new QuicTransport(a, QuicTransportConfig.loopback(), loops);
      QuicTransport second = new QuicTransport(b, QuicTransportConfig.loopback(), loops);
      first.start(ACK).toCompletableFuture().get(10, TimeUnit.SECONDS);
      var secondAddress = second.start(ACK).toCompletableFuture().get(10, TimeUnit.SECONDS).get(0);

      // The first handshake of a cold JVM on a busy 2-core machine took 6-9 s (with or without a shared group).
      Reply reply = first.request(Contact.of(b.nodeId(), secondAddress),
          new Ping(Contact.of(a.nodeId(), first.listenAddresses().get(0))), Duration.ofSeconds(30))
          .toCompletableFuture().get(40, TimeUnit.SECONDS);

      assertEquals(b.nodeId(), reply.peer());
      assertTrue(reply.response() instanceof Ack);
      first.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
      second.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertFalse(loops.isShuttingDown(), "the lent group belongs to the caller");
      assertTrue(loops.submit(() -> true).get(5, TimeUnit.SECONDS), "the group still runs tasks");
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
