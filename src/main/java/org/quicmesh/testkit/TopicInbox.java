package org.quicmesh.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.quicmesh.pubsub.ReceivedMessage;

/**
 * The messages one simulated node received on a topic, in arrival order, each with the virtual time it arrived. It
 * fills while the simulation runs; read it between runs (it is not thread-safe, nor needs to be: the simulation runs
 * on the caller's thread).
 */
public final class TopicInbox {

  /** A message and when it reached the subscriber, as virtual time since the simulation started. */
  public record Delivery(ReceivedMessage message, Duration at) {}

  private final String topic;
  private final List<Delivery> deliveries = new ArrayList<>();

  TopicInbox(String topic) {
    this.topic = topic;
  }

  void add(ReceivedMessage message, long nowMillis) {
    deliveries.add(new Delivery(message, Duration.ofMillis(nowMillis)));
  }

  /** The topic subscribed to. */
  public String topic() {
    return topic;
  }

  /** Everything received so far, oldest first. */
  public List<Delivery> deliveries() {
    return Collections.unmodifiableList(deliveries);
  }

  /** The received messages so far, oldest first. */
  public List<ReceivedMessage> messages() {
    return deliveries.stream().map(Delivery::message).toList();
  }

  /** How many messages arrived so far. */
  public int size() {
    return deliveries.size();
  }

  /** Whether a message with exactly this payload arrived. */
  public boolean contains(byte[] data) {
    return deliveries.stream().anyMatch(d -> Arrays.equals(d.message().data(), data));
  }
}
