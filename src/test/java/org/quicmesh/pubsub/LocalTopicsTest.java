package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/** The router's topics: subscriptions that re-seed a restarted topic, and counts that never go backwards. */
class LocalTopicsTest {
  private final LocalTopics topics = new LocalTopics();
  private final ActorRef<Topic.Command> chat = TestInbox.<Topic.Command>create().getRef();
  private final ActorRef<ReceivedMessage> alice = TestInbox.<ReceivedMessage>create().getRef();
  private final ActorRef<ReceivedMessage> bob = TestInbox.<ReceivedMessage>create().getRef();

  @Test
  void aTopicIsSubscribedFromItsFirstSubscriberUntilItsActorReportsNoneLeft() {
    topics.add("chat", chat);
    assertTrue(topics.subscribe("chat", alice), "first subscriber");
    assertFalse(topics.subscribe("chat", bob));
    assertEquals(Set.of(alice, bob), topics.subscribers("chat"));
    assertFalse(topics.left("chat", alice, false));
    assertEquals(Set.of(bob), topics.subscribers("chat"), "what a restarted topic is re-seeded with");
    assertTrue(topics.left("chat", bob, true));
    assertFalse(topics.isSubscribed("chat"));
    assertFalse(topics.left("chat", bob, true), "a second report changes nothing");
  }

  @Test
  void aRetiredTopicsCountsStayInTheTotal() {
    topics.add("chat", chat);
    topics.countersFor("chat").add("sent.data", 3);
    assertSame(topics.countersFor("chat"), topics.countersFor("chat"), "the same counters across restarts");
    topics.subscribe("chat", alice);
    assertFalse(topics.retire("chat", chat), "subscribed topics are not idle");
    topics.left("chat", alice, true);
    assertFalse(topics.retire("chat", TestInbox.<Topic.Command>create().getRef()), "not its current actor");
    assertTrue(topics.retire("chat", chat));
    assertTrue(topics.isEmpty());
    topics.add("chat", chat);
    topics.countersFor("chat").add("sent.data", 2);
    Map<String, Long> total = new TreeMap<>(Map.of("sent.data", 10L));
    topics.addCountsTo(total);
    assertEquals(15L, total.get("sent.data"));
  }

  @Test
  void onlyTheReportsOfLiveTopicsAreKept() {
    topics.report(new TopicStatus("gone", true, true, 1, 1, 0, 0, 0, -1));
    topics.add("chat", chat);
    TopicStatus status = new TopicStatus("chat", true, true, 3, 3, 0, 0, 0, 42);
    topics.report(status);
    assertEquals(List.of(status), topics.reports());
  }
}
