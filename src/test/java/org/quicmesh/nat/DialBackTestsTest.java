package org.quicmesh.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.NodeId;
import org.quicmesh.nat.DialBackTests.Ask;
import org.quicmesh.nat.NatEvidence.FilteringProbe;
import org.quicmesh.nat.NatEvidence.ProbeSource;
import org.quicmesh.wire.Contact;
import org.quicmesh.wire.DialBack.Source;

class DialBackTestsTest {
  private static final InetSocketAddress P = NatClassifierTest.address("203.0.113.10", 4000);
  private static final InetSocketAddress P_SPARE = NatClassifierTest.address("203.0.113.10", 4002);
  private static final InetSocketAddress P2 = NatClassifierTest.address("203.0.113.30", 4000);
  private static final InetSocketAddress Q = NatClassifierTest.address("203.0.113.20", 4000);
  private static final InetSocketAddress CONTACTED = NatClassifierTest.address("203.0.113.40", 4000);

  private final ManualClock clock = new ManualClock();
  private final SentTo sentTo = new SentTo(clock, Duration.ofMinutes(5), 100);

  private DialBackTests tests(InetSocketAddress... servers) {
    sentTo.record(CONTACTED);
    for (InetSocketAddress server : servers) {
      sentTo.record(server);
    }
    List<Contact> contacts = java.util.Arrays.stream(servers)
        .map(a -> Contact.of(NodeId.of(new byte[32]), a)).toList();
    return new DialBackTests(contacts, sentTo, new Random(1));
  }

  private static Ask ask(List<Ask> asks, Source source) {
    return asks.stream().filter(a -> a.source() == source).findFirst().orElseThrow();
  }

  @Test
  void asksOnePeerForBothSourcesAtOnceAndListsTheIpsWeSentTo() {
    List<Ask> asks = tests(P).start();
    assertEquals(2, asks.size());
    Ask otherIp = ask(asks, Source.OTHER_IP);
    assertTrue(otherIp.avoid().containsAll(List.of("203.0.113.40", "203.0.113.10")), otherIp.avoid().toString());
    assertEquals(List.of(), ask(asks, Source.OTHER_PORT).avoid(), "a same-IP dial-back has nothing to avoid");
  }

  @Test
  void dialBacksFromUncontactedAddressesThatArriveProveTheFilterAdmitsThem() {
    DialBackTests tests = tests(P);
    List<Ask> asks = tests.start();
    tests.onArrival(ask(asks, Source.OTHER_IP).nonce(), Q);
    tests.onArrival(ask(asks, Source.OTHER_PORT).nonce(), P_SPARE);
    assertTrue(tests.done());
    assertEquals(FilteringBehavior.ENDPOINT_INDEPENDENT, NatClassifier.filtering(tests.probes()));
    assertTrue(tests.probes().stream().allMatch(FilteringProbe::arrived));
  }

  @Test
  void aDialBackSentButNotArrivedWithinTheWaitCountsAsFiltered() {
    DialBackTests tests = tests(P);
    List<Ask> asks = tests.start();
    for (Ask ask : asks) {
      assertTrue(tests.onAnswer(ask.nonce(), Optional.of(ask.source() == Source.OTHER_IP ? Q : P_SPARE))
          .waitForDatagram());
    }
    tests.onArrival(ask(asks, Source.OTHER_PORT).nonce(), P_SPARE);
    tests.onWaitOver(ask(asks, Source.OTHER_IP).nonce());
    assertTrue(tests.done());
    assertEquals(FilteringBehavior.ADDRESS_DEPENDENT, NatClassifier.filtering(tests.probes()));
    FilteringProbe filtered = tests.probes().stream().filter(p -> !p.arrived()).findFirst().orElseThrow();
    assertEquals(Optional.of(Q), filtered.sender(), "the evidence names where the lost dial-back was sent from");
  }

  @Test
  void aDialBackFromAnAddressWeSentToProvesNothingAndTheNextPeerIsAskedToAvoidIt() {
    DialBackTests tests = tests(P, P2);
    List<Ask> asks = tests.start();
    List<Ask> next = tests.onArrival(ask(asks, Source.OTHER_IP).nonce(), CONTACTED);
    assertEquals(1, tests.inconclusive());
    assertEquals(1, next.size());
    assertEquals(P2, next.get(0).server().socketAddress());
    assertEquals("203.0.113.40", next.get(0).avoid().get(0));
    assertFalse(tests.done());
  }

  @Test
  void aSameIpDialBackFromThePortWeSentToProvesNothing() {
    DialBackTests tests = tests(P);
    List<Ask> asks = tests.start();
    tests.onArrival(ask(asks, Source.OTHER_PORT).nonce(), P);
    assertEquals(1, tests.inconclusive());
    assertTrue(tests.probes().isEmpty());
  }

  @Test
  void refusedAsksMoveToTheNextPeerAndLeaveTheFilteringUnknownWhenPeersRunOut() {
    DialBackTests tests = tests(P, P2);
    List<Ask> asks = tests.start();
    Ask first = ask(asks, Source.OTHER_PORT);
    List<Ask> next = tests.onAnswer(first.nonce(), Optional.empty()).next();
    assertEquals(P2, next.get(0).server().socketAddress());
    assertTrue(tests.onAnswer(next.get(0).nonce(), Optional.empty()).next().isEmpty());
    tests.onAnswer(ask(asks, Source.OTHER_IP).nonce(), Optional.empty());
    tests.onAnswer(ask(asks, Source.OTHER_IP).nonce(), Optional.empty()); // a duplicate answer changes nothing
    assertFalse(tests.done(), "the other-IP test still has a peer to ask");
    assertEquals(FilteringBehavior.UNKNOWN, NatClassifier.filtering(tests.probes()));
  }

  @Test
  void aLateOrUnknownNonceIsIgnored() {
    DialBackTests tests = tests(P);
    List<Ask> asks = tests.start();
    Ask otherIp = ask(asks, Source.OTHER_IP);
    tests.onAnswer(otherIp.nonce(), Optional.of(Q));
    tests.onWaitOver(otherIp.nonce());
    assertTrue(tests.onArrival(otherIp.nonce(), Q).isEmpty());
    assertTrue(tests.onArrival(new byte[16], Q).isEmpty());
    assertEquals(List.of(new FilteringProbe(ProbeSource.OTHER_IP, false, NatEvidence.Via.DIAL_BACK, Optional.of(Q))),
        tests.probes());
  }
}
