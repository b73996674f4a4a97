package org.quicmesh.pubsub;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The router's topics: each topic's actor, its counters (kept here so they outlive the actor's restarts), its last
 * reported status, and the local subscribers of the subscribed ones (which re-seed a restarted topic). A topic is
 * subscribed while it has a local subscriber. Plain state, owned by the router.
 */
final class LocalTopics {
  private final Map<String, ActorRef<Topic.Command>> actors = new HashMap<>();
  private final Map<String, TopicCounters> counters = new HashMap<>();
  private final Map<String, TopicStatus> reports = new TreeMap<>();
  private final Map<String, Set<ActorRef<ReceivedMessage>>> subscribers = new HashMap<>();
  /** The counts of topics whose actors were stopped, so telemetry never goes backwards. */
  private final TopicCounters retired = new TopicCounters();

  /** The topic's actor, or null. */
  ActorRef<Topic.Command> actor(String topic) {
    return actors.get(topic);
  }

  /** Whether {@code actor} is the topic's current actor (a report from a stopped one changes nothing). */
  boolean isCurrent(String topic, ActorRef<Topic.Command> actor) {
    return actor.equals(actors.get(topic));
  }

  Collection<ActorRef<Topic.Command>> actors() {
    return actors.values();
  }

  boolean isEmpty() {
    return actors.isEmpty();
  }

  int size() {
    return actors.size();
  }

  /** The counters a new actor of the topic writes to (the same ones across its restarts). */
  TopicCounters countersFor(String topic) {
    return counters.computeIfAbsent(topic, t -> new TopicCounters());
  }

  void add(String topic, ActorRef<Topic.Command> actor) {
    actors.put(topic, actor);
  }

  boolean isSubscribed(String topic) {
    return subscribers.containsKey(topic);
  }

  Set<String> subscribed() {
    return subscribers.keySet();
  }

  Set<ActorRef<ReceivedMessage>> subscribers(String topic) {
    return subscribers.getOrDefault(topic, Set.of());
  }

  /** True when this is the topic's first local subscriber: we now subscribe to it. */
  boolean subscribe(String topic, ActorRef<ReceivedMessage> subscriber) {
    boolean first = !subscribers.containsKey(topic);
    subscribers.computeIfAbsent(topic, t -> new HashSet<>()).add(subscriber);
    return first;
  }

  /**
   * A subscriber left, as the topic's actor reports ({@code none}: it had no other). True when the topic was
   * subscribed and no longer is.
   */
  boolean left(String topic, ActorRef<ReceivedMessage> subscriber, boolean none) {
    Set<ActorRef<ReceivedMessage>> current = subscribers.get(topic);
    if (current != null) {
      current.remove(subscriber);
    }
    return none && subscribers.remove(topic) != null;
  }

  void report(TopicStatus status) {
    if (actors.containsKey(status.topic())) {
      reports.put(status.topic(), status);
    }
  }

  List<TopicStatus> reports() {
    return List.copyOf(reports.values());
  }

  /** Forgets an idle topic if {@code actor} is its current one and nobody subscribes; true if the caller stops it. */
  boolean retire(String topic, ActorRef<Topic.Command> actor) {
    if (!isCurrent(topic, actor) || isSubscribed(topic)) {
      return false;
    }
    actors.remove(topic);
    reports.remove(topic);
    TopicCounters counts = counters.remove(topic);
    if (counts != null) {
      counts.snapshot().forEach(retired::add);
    }
    return true;
  }

  /** Adds every topic's counts, live and retired, to {@code into}. */
  void addCountsTo(Map<String, Long> into) {
    retired.addTo(into);
    counters.values().forEach(counts -> counts.addTo(into));
  }

  /** The subscribed topics, sorted. */
  List<String> subscribedSorted() {
    return List.copyOf(new TreeSet<>(subscribers.keySet()));
  }
}
