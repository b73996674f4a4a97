package org.quicmesh.node;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.quicmesh.actor.Latencies;
import org.quicmesh.identity.NodeId;
import org.quicmesh.pubsub.TopicStatus;

/**
 * A node's telemetry as Micrometer meters (names in docs/operations.md). There is one source of truth: every counter
 * and gauge is a function of the latest {@link Telemetry} snapshot, the same one the JSON telemetry shows, so the two
 * can never disagree. Counters named at run time (the event maps of the DHT, pub/sub, NAT) become one meter per family
 * with the event's name as a tag, registered when a name first appears. The latencies the DHT measures feed timers
 * with Prometheus histogram buckets.
 *
 * <p>Thread-safe: the guardian updates the snapshot, the registry's readers (a scrape) read it from any thread.
 */
final class NodeMeters implements Latencies {
  /** Characters of the NodeId hex in the {@code node} tag: unique in practice, short enough for dashboards. */
  static final int NODE_TAG_CHARS = 16;

  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> registered = new ArrayList<>();
  /** Dynamic meters already registered, by meter name and tag value. Touched by the guardian's thread only. */
  private final Set<String> known = new HashSet<>();
  private final Map<Latencies.Kind, Timer> timers = new EnumMap<>(Latencies.Kind.class);
  private volatile Telemetry latest;

  NodeMeters(MeterRegistry registry, NodeId node) {
    this.registry = registry;
    this.tags = Tags.of("node", node.toHex().substring(0, NODE_TAG_CHARS));
    registerFixed();
    timers.put(Latencies.Kind.RPC_RTT, timer("quicmesh.dht.rpc.rtt", "round-trip time of answered DHT requests"));
    timers.put(Latencies.Kind.LOOKUP, timer("quicmesh.dht.lookup.duration", "duration of iterative DHT lookups"));
  }

  @Override
  public void record(Latencies.Kind kind, Duration elapsed) {
    timers.get(kind).record(elapsed);
  }

  /** Takes a fresh snapshot: what every meter reads from now on; names seen for the first time become meters. */
  void update(Telemetry telemetry) {
    latest = telemetry;
    events("quicmesh.transport.rejected", "reason", "inbound input refused before the protocol layers saw it",
        telemetry.transport().rejected().keySet(), t -> t.transport().rejected());
    events("quicmesh.node.events", "event", "node events (endpoint, restarts of its actors)",
        telemetry.counters().keySet(), Telemetry::counters);
    if (telemetry.dht() != null) {
      events("quicmesh.dht.events", "event", "DHT events", telemetry.dht().counters().keySet(),
          t -> t.dht().counters());
    }
    if (telemetry.pubsub() != null) {
      events("quicmesh.pubsub.events", "event", "pub/sub events", telemetry.pubsub().counters().keySet(),
          t -> t.pubsub().counters());
      for (TopicStatus topic : telemetry.pubsub().meshes()) {
        if (known.add("topic/" + topic.topic())) {
          registerTopic(topic.topic());
        }
      }
    }
    if (telemetry.nat() != null) {
      events("quicmesh.nat.events", "event", "NAT detection and STUN client events",
          telemetry.nat().detector().keySet(), t -> t.nat().detector());
      events("quicmesh.stun.server.malformed", "reason", "datagrams that looked like STUN but were malformed",
          telemetry.nat().stunServer().malformed().keySet(), t -> t.nat().stunServer().malformed());
      String type = telemetry.nat().type();
      if (known.add("quicmesh.nat.type/" + type)) {
        gauge("quicmesh.nat.type", Tags.of("type", type), "1 for the node's current NAT verdict, else 0",
            t -> t.nat().type().equals(type) ? 1 : 0);
      }
    }
  }

  /** Removes this node's meters from the registry (the node stopped; the registry may outlive it). */
  void close() {
    registered.forEach(registry::remove);
    timers.values().forEach(registry::remove);
  }

  private void registerFixed() {
    registered.add(TimeGauge.builder("quicmesh.uptime", this, TimeUnit.MILLISECONDS, m -> read(t -> t.uptimeMs()))
        .tags(tags).description("time since the node started").register(registry));
    counter("quicmesh.transport.requests.sent", null, "requests sent", t -> t.transport().requestsSent());
    counter("quicmesh.transport.requests.received", null, "requests received",
        t -> t.transport().requestsReceived());
    counter("quicmesh.transport.requests.failed", null, "requests that failed (timeout, unreachable, refused)",
        t -> t.transport().requestsFailed());
    counter("quicmesh.transport.sent", "bytes", "bytes sent", t -> t.transport().bytesSent());
    counter("quicmesh.transport.received", "bytes", "bytes received", t -> t.transport().bytesReceived());
    gauge("quicmesh.transport.connections", Tags.empty(), "open connections", t -> t.transport().connections());
    gauge("quicmesh.transport.inflight.inbound", Tags.empty(), "inbound requests being handled (limited per peer)",
        t -> t.transport().inflightInbound());
    gauge("quicmesh.transport.inbound.buffered.bytes", Tags.empty(),
        "bytes of inbound requests held (limited by max-inbound-buffer-bytes)",
        t -> t.transport().inboundBufferedBytes());
    gauge("quicmesh.dht.table.contacts", Tags.empty(), "contacts in the routing table", t -> t.dht().tableSize());
    gauge("quicmesh.dht.k", Tags.empty(), "the adaptive bucket size k", t -> t.dht().k());
    gauge("quicmesh.dht.alpha", Tags.empty(), "the adaptive lookup parallelism", t -> t.dht().alpha());
    gauge("quicmesh.dht.churn.per.minute", Tags.empty(), "contacts lost per minute",
        t -> t.dht().churnPerMinute());
    gauge("quicmesh.dht.lookup.failure.signal", Tags.empty(), "share of failed lookup requests, 0..1",
        t -> t.dht().lookupFailureSignal());
    gauge("quicmesh.dht.store.values", Tags.empty(), "values this node holds", t -> t.dht().storedValues());
    gauge("quicmesh.dht.tiers", Tags.empty(), "latency tiers of the last k-means", t -> t.dht().tierCentersMs().size());
    gauge("quicmesh.dht.joined", Tags.empty(), "1 once the bootstrap joined a mesh (or started a new one)",
        t -> t.dht().bootstrap().startsWith("joined") || t.dht().bootstrap().startsWith("no seeds") ? 1 : 0);
    registered.add(Gauge.builder("quicmesh.dht.store.size", this, m -> read(t -> t.dht().storedBytes()))
        .tags(tags).baseUnit("bytes").description("bytes of the values this node holds").register(registry));
    gauge("quicmesh.pubsub.peers", Tags.empty(), "peers with a gossip stream", t -> t.pubsub().peers());
    gauge("quicmesh.pubsub.topics", Tags.empty(), "topic actors alive (subscribed or fanout)",
        t -> t.pubsub().topics());
    gauge("quicmesh.pubsub.subscriptions", Tags.empty(), "topics this node subscribes to",
        t -> t.pubsub().subscribed().size());
    gauge("quicmesh.nat.mapped.addresses", Tags.empty(), "addresses observers saw us at in the last NAT run",
        t -> t.nat().mapped().size());
    gauge("quicmesh.nat.detecting", Tags.empty(), "1 while a NAT detection runs", t -> t.nat().detecting() ? 1 : 0);
    counter("quicmesh.stun.server.requests", null, "STUN Binding requests answered",
        t -> t.nat().stunServer().requests());
    counter("quicmesh.stun.server.error.answers", null, "STUN requests answered with an error",
        t -> t.nat().stunServer().errorAnswers());
    counter("quicmesh.stun.server.send.failures", null, "STUN answers the socket refused",
        t -> t.nat().stunServer().sendFailures());
  }

  /** A topic's mesh gauges; a topic whose actor is gone reads 0. */
  private void registerTopic(String name) {
    topicGauge(name, "quicmesh.pubsub.mesh.peers", "peers in the topic's mesh", TopicStatus::mesh);
    topicGauge(name, "quicmesh.pubsub.topic.known.peers", "peers known to subscribe to the topic",
        TopicStatus::knownPeers);
    topicGauge(name, "quicmesh.pubsub.fanout.peers", "fanout peers (publishing without subscribing)",
        TopicStatus::fanout);
    topicGauge(name, "quicmesh.pubsub.mesh.choked", "mesh peers we choked", TopicStatus::choked);
    topicGauge(name, "quicmesh.pubsub.mesh.choking.us", "mesh peers that choked us", TopicStatus::chokingUs);
    topicGauge(name, "quicmesh.pubsub.topic.ready", "1 once the mesh reached D_low", s -> s.ready() ? 1 : 0);
    topicGauge(name, "quicmesh.pubsub.mesh.rtt.median.seconds",
        "median round-trip time to the mesh peers (NaN until measured)",
        s -> s.meshRttMedianMs() < 0 ? Double.NaN : s.meshRttMedianMs() / 1000);
  }

  private void topicGauge(String name, String meter, String description, ToDoubleFunction<TopicStatus> value) {
    gauge(meter, Tags.of("topic", name), description, t -> t.pubsub().meshes().stream()
        .filter(s -> s.topic().equals(name)).mapToDouble(value).findFirst().orElse(0));
  }

  private void counter(String name, String unit, String description, ToDoubleFunction<Telemetry> value) {
    registered.add(FunctionCounter.builder(name, this, m -> read(value))
        .tags(tags).baseUnit(unit).description(description).register(registry));
  }

  private void gauge(String name, Tags extra, String description, ToDoubleFunction<Telemetry> value) {
    registered.add(Gauge.builder(name, this, m -> read(value))
        .tags(tags.and(extra)).description(description).strongReference(true).register(registry));
  }

  /** One counter per name in {@code names} under {@code meter}, tagged {@code tag=name}, read from the map. */
  private void events(String meter, String tag, String description, Set<String> names,
      Function<Telemetry, Map<String, Long>> counts) {
    for (String name : names) {
      if (known.add(meter + "/" + name)) {
        registered.add(FunctionCounter.builder(meter, this, m -> read(t -> counts.apply(t).getOrDefault(name, 0L)))
            .tags(tags.and(tag, name)).description(description).register(registry));
      }
    }
  }

  private Timer timer(String name, String description) {
    return Timer.builder(name).tags(tags).description(description).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  /** A value of the latest snapshot; 0 before the first one. */
  private double read(ToDoubleFunction<Telemetry> value) {
    Telemetry snapshot = latest;
    return snapshot == null ? 0 : value.applyAsDouble(snapshot);
  }
}
