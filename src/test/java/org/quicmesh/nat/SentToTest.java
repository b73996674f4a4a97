package org.quicmesh.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentToTest {
  private static final InetSocketAddress A = NatClassifierTest.address("203.0.113.1", 4000);
  private static final InetSocketAddress B = NatClassifierTest.address("203.0.113.2", 4000);
  private final ManualClock clock = new ManualClock();

  @Test
  void remembersAddressesAndTheirIpsForItsMemoryOnly() {
    SentTo sentTo = new SentTo(clock, Duration.ofMinutes(5), 100);
    sentTo.record(A);
    assertTrue(sentTo.sentTo(A));
    assertTrue(sentTo.sentToIp(A.getAddress()));
    assertFalse(sentTo.sentTo(new InetSocketAddress(A.getAddress(), 4001)), "another port of that IP was not");
    clock.advance(Duration.ofMinutes(6));
    assertFalse(sentTo.sentTo(A));
    assertFalse(sentTo.sentToIp(A.getAddress()));
  }

  @Test
  void listsTheMostRecentIpsFirst() {
    SentTo sentTo = new SentTo(clock, Duration.ofMinutes(5), 100);
    sentTo.record(A);
    clock.advance(Duration.ofSeconds(1));
    sentTo.record(B);
    assertEquals(List.of(B.getAddress(), A.getAddress()), sentTo.recentIps(10));
    assertEquals(List.of(B.getAddress()), sentTo.recentIps(1));
  }

  @Test
  void whenFullOfRecentAddressesItCountsEveryAddressAsContacted() {
    SentTo sentTo = new SentTo(clock, Duration.ofMinutes(5), 1);
    sentTo.record(A);
    sentTo.record(B);
    assertTrue(sentTo.sentToIp(NatClassifierTest.address("198.51.100.9", 1).getAddress()),
        "saturated: no dial-back can prove anything");
    clock.advance(Duration.ofMinutes(6));
    sentTo.record(A);
    assertFalse(sentTo.sentTo(B), "a sweep of old entries ends the saturation");
  }
}
