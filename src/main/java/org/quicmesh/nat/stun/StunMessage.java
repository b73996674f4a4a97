package org.quicmesh.nat.stun;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One STUN message (RFC 8489 §5): class, method, transaction id and attributes in order.
 *
 * @param method the 12-bit method; {@link #BINDING} is the only one this node speaks
 */
public record StunMessage(StunClass type, int method, TransactionId transactionId, List<StunAttribute> attributes) {
  public static final int BINDING = 0x001;

  public StunMessage {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(transactionId, "transactionId");
    if (method < 0 || method > 0xFFF) {
      throw new IllegalArgumentException("method out of range: " + method);
    }
    attributes = List.copyOf(attributes);
  }

  public static StunMessage bindingRequest(TransactionId id, StunAttribute... attributes) {
    return new StunMessage(StunClass.REQUEST, BINDING, id, List.of(attributes));
  }

  /** The first attribute of that kind, if any (RFC 8489 §14: later duplicates are ignored). */
  public <A extends StunAttribute> Optional<A> attribute(Class<A> kind) {
    for (StunAttribute a : attributes) {
      if (kind.isInstance(a)) {
        return Optional.of(kind.cast(a));
      }
    }
    return Optional.empty();
  }

  public boolean isBinding() {
    return method == BINDING;
  }
}
