package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.node.MeshConfig;
import org.quicmesh.node.NodeEnvironment;
import org.quicmesh.node.Quicmesh;
import org.quicmesh.node.Transports;
import org.quicmesh.wire.Contact.Addresses;

/**
 * A subscriber that stops reading while 100,000 messages are published over real QUIC: memory stays bounded (the
 * stalled stream drops for itself, a peer that falls behind is pruned rather than buffered), the loss is visible in
 * telemetry, and the publisher keeps serving a healthy subscriber.
 */
@Tag("integration")
class SlowSubscriberOverQuicIT {
  private static final String TOPIC = "it/firehose";
  private static final int MESSAGES = 100_000;
  private static final int PAYLOAD_BYTES = 200;
  private static final int STALLED_BUFFER = 64;
  private static final long HEAP_BOUND_BYTES = 64L << 20;
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final List<Quicmesh> NODES = new ArrayList<>();
  private static ResourceLeakDetector.Level leakLevel;

  @BeforeAll
  static void startNodes() throws Exception {
    // Paranoid leak detection keeps a stack trace per live buffer access: it would dominate both time and heap here.
    leakLevel = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    MeshConfig base = MeshConfig.load().withListen(Addresses.parse("127.0.0.1:0"));
    for (int i = 0; i < 3; i++) {
      MeshConfig config = i == 0 ? base
          : base.withBootstrap(List.of(NODES.get(0).status().toCompletableFuture().get(10, TimeUnit.SECONDS)
              .listen().get(0)));
      NODES.add(Quicmesh.start(KIT.system(), "firehose-" + i, config, Keypair.generate(), Transports.quic(),
          NodeEnvironment.system()).toCompletableFuture().get(30, TimeUnit.SECONDS));
    }
  }

  @AfterAll
  static void stopNodes() throws Exception {
    CompletableFuture.allOf(NODES.stream().map(m -> m.shutdown().toCompletableFuture())
        .toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    KIT.shutdownTestKit();
    ResourceLeakDetector.setLevel(leakLevel);
  }

  @Test
  void aStalledSubscriberKeepsMemoryBoundedAndThePublisherKeepsServing() throws Exception {
    Quicmesh publisher = NODES.get(0);
    Quicmesh stalled = NODES.get(1);
    Quicmesh healthy = NODES.get(2);
    publisher.subscribe(TOPIC).runWith(Sink.ignore(), KIT.system());
    // Pulled once (below), never again: the stream stays open and backpressures its bounded buffer.
    SinkQueueWithCancel<ReceivedMessage> stalledQueue =
        stalled.subscribe(TOPIC, STALLED_BUFFER).runWith(Sink.queue(), KIT.system());
    AtomicLong healthyReceived = new AtomicLong();
    AtomicLong healthyHighest = new AtomicLong(-1);
    healthy.subscribe(TOPIC).runWith(Sink.foreach(m -> {
      healthyReceived.incrementAndGet();
      // The highest index, not the last: a repair (IWant) may deliver an older message after a newer one.
      healthyHighest.accumulateAndGet(ByteBuffer.wrap(m.data()).getLong(), Math::max);
    }), KIT.system());
    for (Quicmesh node : NODES) {
      node.whenTopicReady(TOPIC, Duration.ofSeconds(30)).toCompletableFuture().get(35, TimeUnit.SECONDS);
    }
    CompletableFuture<?> firstPull = stalledQueue.pull().toCompletableFuture();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!(firstPull.isDone() && healthyReceived.get() > 0) && System.nanoTime() < deadline) {
      publish(publisher, -1).exceptionally(e -> null);
      Thread.sleep(200);
    }
    assertTrue(firstPull.isDone() && healthyReceived.get() > 0, "both subscribers got a first message");

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long baseline = usedAfterGc(memory);
    long maxUsed = baseline;
    Semaphore window = new Semaphore(512);
    AtomicLong published = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    long start = System.nanoTime();
    for (long i = 0; i < MESSAGES; i++) {
      if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new AssertionError("publishing stalled at message " + i);
      }
      publish(publisher, i).whenComplete((id, failure) -> {
        (failure == null ? published : refused).incrementAndGet();
        window.release();
      });
      if (i % 20_000 == 19_999) {
        maxUsed = Math.max(maxUsed, usedAfterGc(memory));
      }
    }
    assertTrue(window.tryAcquire(512, 60, TimeUnit.SECONDS), "the last publishes completed");
    double seconds = (System.nanoTime() - start) / 1e9;
    maxUsed = Math.max(maxUsed, usedAfterGc(memory));

    // The publisher still serves: a later message reaches the healthy subscriber.
    long later = MESSAGES + 1;
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (healthyHighest.get() < later && System.nanoTime() < deadline) {
      publish(publisher, later).exceptionally(e -> null);
      Thread.sleep(300);
    }
    maxUsed = Math.max(maxUsed, usedAfterGc(memory));

    Map<String, Long> a = counters(publisher);
    Map<String, Long> b = counters(stalled);
    Map<String, Long> c = counters(healthy);
    System.out.printf("slow subscriber: %d messages of %d B published in %.1f s (%.0f msg/s, %d refused); healthy "
            + "subscriber received %d; used heap after GC: baseline %.1f MB, max %.1f MB (+%.1f MB)%n",
        published.get(), PAYLOAD_BYTES, seconds, MESSAGES / seconds, refused.get(), healthyReceived.get(),
        baseline / 1e6, maxUsed / 1e6, (maxUsed - baseline) / 1e6);
    System.out.println("slow subscriber: publisher counters " + a);
    System.out.println("slow subscriber: stalled node counters " + b);
    System.out.println("slow subscriber: healthy node counters " + c);

    assertTrue(maxUsed - baseline < HEAP_BOUND_BYTES,
        "used heap grew by " + (maxUsed - baseline) / 1e6 + " MB (bound " + HEAP_BOUND_BYTES / 1e6 + " MB)");
    assertTrue(healthyHighest.get() >= later, "a message published after the flood reached the healthy subscriber");
    // Either the publisher pruned a peer that fell behind, or the stalled node took the messages in and its
    // subscriber's bounded stream dropped them: it received far more than the stream can hold.
    long slowPeers = a.getOrDefault("peers.slow", 0L);
    long droppedLocally = b.getOrDefault("received", 0L) - STALLED_BUFFER - 32;
    assertTrue(slowPeers > 0 || droppedLocally > MESSAGES / 10,
        "peers.slow " + slowPeers + ", messages the stalled subscriber must have dropped " + droppedLocally);
    if (droppedLocally > 0) {
      assertTrue(b.getOrDefault("subscriber.dropped", 0L) >= droppedLocally / 2,
          "local drops are visible in telemetry: " + b.get("subscriber.dropped") + " of " + droppedLocally);
    }
  }

  private static CompletableFuture<MessageId> publish(Quicmesh node, long index) {
    byte[] data = ByteBuffer.allocate(PAYLOAD_BYTES).putLong(index).array();
    return node.publish(TOPIC, data).toCompletableFuture();
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static Map<String, Long> counters(Quicmesh node) throws Exception {
    return node.status().toCompletableFuture().get(10, TimeUnit.SECONDS).telemetry().pubsub().counters();
  }
}
