package org.quicmesh.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicmesh.actor.Counters;
import org.quicmesh.nat.StunTransactions.Done;
import org.quicmesh.nat.StunTransactions.Send;
import org.quicmesh.nat.stun.Retransmission;
import org.quicmesh.nat.stun.StunAttribute;
import org.quicmesh.nat.stun.StunAttribute.ErrorCode;
import org.quicmesh.nat.stun.StunAttribute.OtherAddress;
import org.quicmesh.nat.stun.StunAttribute.XorMappedAddress;
import org.quicmesh.nat.stun.StunClass;
import org.quicmesh.nat.stun.StunCodec;
import org.quicmesh.nat.stun.StunMessage;
import org.quicmesh.nat.stun.TransactionId;

class StunTransactionsTest {
  private static final InetSocketAddress SERVER = NatClassifierTest.address("203.0.113.1", 3478);
  private static final InetSocketAddress OTHER = NatClassifierTest.address("203.0.113.2", 3479);
  private static final InetSocketAddress MAPPED = NatClassifierTest.address("198.51.100.7", 40000);

  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private final Counters counters = new Counters();
  private final StunTransactions<String> transactions = new StunTransactions<>(clock, new Random(1), counters);

  @Test
  void sendsAgainOnTheRfcScheduleThenFails() {
    Send<String> first = transactions.start(SERVER, List.of(), Retransmission.RFC_DEFAULTS, "me");
    assertEquals(Duration.ofMillis(500), first.retryAfter());
    StunMessage request = decode(first.bytes());
    assertEquals(StunClass.REQUEST, request.type());
    Duration waited = first.retryAfter();
    for (int sent = 2; sent <= 7; sent++) {
      Send<String> again = (Send<String>) transactions.timerFired(first.id()).orElseThrow();
      assertTrue(java.util.Arrays.equals(first.bytes(), again.bytes()), "a retransmission is the same request");
      waited = waited.plus(again.retryAfter());
    }
    assertEquals(Retransmission.RFC_DEFAULTS.timeout(), waited);
    Done<String> done = (Done<String>) transactions.timerFired(first.id()).orElseThrow();
    assertEquals("me", done.replyTo());
    assertInstanceOf(BindingOutcome.Failure.class, done.outcome());
    assertEquals(6L, counters.get("stun.retransmits"));
    assertEquals(1L, counters.get("stun.timeouts"));
    assertTrue(transactions.timerFired(first.id()).isEmpty(), "over is over");
  }

  @Test
  void aSuccessAnswersWithTheMappedAddressFromWhereverItComesAndTheRtt() {
    Send<String> sent = transactions.start(SERVER, List.of(new StunAttribute.ChangeRequest(true, true)),
        Retransmission.RFC_DEFAULTS, "me");
    now = now.plusMillis(42);
    StunMessage answer = new StunMessage(StunClass.SUCCESS_RESPONSE, StunMessage.BINDING, sent.id(),
        List.of(new XorMappedAddress(MAPPED), new OtherAddress(OTHER)));
    Done<String> done = transactions.received(answer, OTHER).orElseThrow();
    BindingOutcome.Success success = assertInstanceOf(BindingOutcome.Success.class, done.outcome());
    assertEquals(MAPPED, success.mapped());
    assertEquals(OTHER, success.from());
    assertEquals(SERVER, success.server());
    assertEquals(Optional.of(OTHER), success.otherAddress());
    assertEquals(Duration.ofMillis(42), success.rtt());
    assertTrue(transactions.timerFired(sent.id()).isEmpty(), "no retransmission after the answer");
  }

  @Test
  void anErrorAnswerFailsWithItsCodeAndUnknownAnswersAreCounted() {
    Send<String> sent = transactions.start(SERVER, List.of(), Retransmission.RFC_DEFAULTS, "me");
    StunMessage error = new StunMessage(StunClass.ERROR_RESPONSE, StunMessage.BINDING, sent.id(),
        List.of(new ErrorCode(420, "Unknown Attribute")));
    BindingOutcome.Failure failure = assertInstanceOf(BindingOutcome.Failure.class,
        transactions.received(error, SERVER).orElseThrow().outcome());
    assertTrue(failure.reason().contains("420"), failure.reason());
    StunMessage stray = new StunMessage(StunClass.SUCCESS_RESPONSE, StunMessage.BINDING,
        TransactionId.random(new Random(9)), List.of(new XorMappedAddress(MAPPED)));
    assertTrue(transactions.received(stray, SERVER).isEmpty());
    assertEquals(1L, counters.get("stun.unmatched"));
    StunMessage request = StunMessage.bindingRequest(TransactionId.random(new Random(10)));
    assertTrue(transactions.received(request, SERVER).isEmpty(), "requests are the server's business");
    assertEquals(0, transactions.pendingCount());
  }

  private static StunMessage decode(byte[] bytes) {
    try {
      return StunCodec.decode(bytes);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
