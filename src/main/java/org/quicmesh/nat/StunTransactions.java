package org.quicmesh.nat;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.quicmesh.actor.Counters;
import org.quicmesh.nat.stun.Retransmission;
import org.quicmesh.nat.stun.StunAttribute;
import org.quicmesh.nat.stun.StunAttribute.ErrorCode;
import org.quicmesh.nat.stun.StunAttribute.MappedAddress;
import org.quicmesh.nat.stun.StunAttribute.OtherAddress;
import org.quicmesh.nat.stun.StunAttribute.ResponseOrigin;
import org.quicmesh.nat.stun.StunAttribute.XorMappedAddress;
import org.quicmesh.nat.stun.StunClass;
import org.quicmesh.nat.stun.StunCodec;
import org.quicmesh.nat.stun.StunMessage;
import org.quicmesh.nat.stun.TransactionId;

/**
 * The client side of STUN Binding transactions (RFC 8489 §6.2.1, §6.3.3) as plain state: which requests are pending,
 * when each is sent again, how a response is matched (by transaction id only: an RFC 5780 server may answer from
 * another address) and what it says. The owner sends the bytes and runs the timers.
 *
 * @param <R> whom to tell the outcome
 */
final class StunTransactions<R> {
  /** What the owner must do next for a transaction. */
  sealed interface Step<R> {}

  /** Send {@code bytes} to {@code server}, and come back to {@link #timerFired} after {@code retryAfter}. */
  record Send<R>(TransactionId id, InetSocketAddress server, byte[] bytes, Duration retryAfter) implements Step<R> {}

  /** The transaction is over: tell {@code replyTo}. */
  record Done<R>(TransactionId id, R replyTo, BindingOutcome outcome) implements Step<R> {}

  private record Pending<R>(InetSocketAddress server, byte[] bytes, Retransmission schedule, R replyTo,
      Instant firstSent, int sends) {
    Pending<R> sentAgain() {
      return new Pending<>(server, bytes, schedule, replyTo, firstSent, sends + 1);
    }
  }

  private final Map<TransactionId, Pending<R>> pending = new HashMap<>();
  private final Clock clock;
  private final Random random;
  private final Counters counters;

  StunTransactions(Clock clock, Random random, Counters counters) {
    this.clock = clock;
    this.random = random;
    this.counters = counters;
  }

  /** Opens a transaction: the first send. */
  Send<R> start(InetSocketAddress server, List<StunAttribute> attributes, Retransmission schedule, R replyTo) {
    TransactionId id = TransactionId.random(random);
    byte[] bytes = StunCodec.encode(StunMessage.bindingRequest(id, attributes.toArray(StunAttribute[]::new)));
    pending.put(id, new Pending<>(server, bytes, schedule, replyTo, clock.instant(), 1));
    counters.increment("stun.transactions");
    return send(id, pending.get(id));
  }

  /** The timer of transaction {@code id} fired: send again, or give up. Empty when it is already over. */
  Optional<Step<R>> timerFired(TransactionId id) {
    Pending<R> p = pending.get(id);
    if (p == null) {
      return Optional.empty();
    }
    if (p.sends() >= p.schedule().count()) {
      pending.remove(id);
      counters.increment("stun.timeouts");
      return Optional.of(new Done<>(id, p.replyTo(), new BindingOutcome.Failure(p.server(),
          "no STUN answer from " + p.server() + " within " + p.schedule().timeout().toMillis() + " ms")));
    }
    Pending<R> again = p.sentAgain();
    pending.put(id, again);
    counters.increment("stun.retransmits");
    return Optional.of(send(id, again));
  }

  /** A response arrived from {@code from}: the step ending its transaction, if it answers one. */
  Optional<Done<R>> received(StunMessage message, InetSocketAddress from) {
    if (message.type() != StunClass.SUCCESS_RESPONSE && message.type() != StunClass.ERROR_RESPONSE) {
      return Optional.empty(); // requests and indications are the server's
    }
    TransactionId id = message.transactionId();
    Pending<R> p = pending.remove(id);
    if (p == null) {
      counters.increment("stun.unmatched");
      return Optional.empty();
    }
    Duration rtt = Duration.between(p.firstSent(), clock.instant());
    if (message.type() == StunClass.ERROR_RESPONSE) {
      counters.increment("stun.error-answers");
      String error = message.attribute(ErrorCode.class).map(e -> e.code() + " " + e.reason()).orElse("no ERROR-CODE");
      return Optional.of(new Done<>(id, p.replyTo(),
          new BindingOutcome.Failure(p.server(), "STUN error from " + from + ": " + error)));
    }
    Optional<InetSocketAddress> mapped = message.attribute(XorMappedAddress.class).map(XorMappedAddress::address)
        .or(() -> message.attribute(MappedAddress.class).map(MappedAddress::address));
    if (mapped.isEmpty()) {
      counters.increment("stun.no-mapped-address");
      return Optional.of(new Done<>(id, p.replyTo(),
          new BindingOutcome.Failure(p.server(), from + " answered without an address")));
    }
    counters.increment("stun.successes");
    return Optional.of(new Done<>(id, p.replyTo(), new BindingOutcome.Success(p.server(), mapped.get(), from,
        message.attribute(ResponseOrigin.class).map(ResponseOrigin::address),
        message.attribute(OtherAddress.class).map(OtherAddress::address), rtt)));
  }

  int pendingCount() {
    return pending.size();
  }

  private Send<R> send(TransactionId id, Pending<R> p) {
    Duration retryAfter = p.schedule().waitAfter(p.sends()).orElse(p.schedule().finalWait());
    return new Send<>(id, p.server(), p.bytes(), retryAfter);
  }
}
