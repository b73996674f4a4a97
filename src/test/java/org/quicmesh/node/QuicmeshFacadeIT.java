package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.wire.Contact.Addresses;

/** The CompletionStage facade over one real QUIC node. */
class QuicmeshFacadeIT {
  private static final ActorTestKit KIT = ActorTestKit.create("facade");

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void callbacksRunWhereTheStageCompletesNotOnAThreadOfTheirOwn() throws Exception {
    Quicmesh node = Quicmesh.start(KIT.system(), "facade-node",
        MeshConfig.load().withListen(Addresses.parse("127.0.0.1:0")), Keypair.generate(), Transports.quic(),
        NodeEnvironment.system()).toCompletableFuture().get(20, TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      String thread = node.status().thenApply(status -> Thread.currentThread().getName())
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      // Pekko's own ask stages run every plain callback as a common-pool task: a fresh "Thread-N" on small machines.
      assertFalse(thread.startsWith("Thread-") || thread.contains("commonPool"), thread);
      // A plain CompletableFuture runs a callback where it completes (a dispatcher thread of the node's actor system),
      // or in the caller when it had already completed.
      assertTrue(thread.contains("facade") || thread.equals(Thread.currentThread().getName()), thread);
    }
    node.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
