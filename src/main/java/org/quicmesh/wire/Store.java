package org.quicmesh.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Asks the peer to keep {@code value} under a 32-byte {@code key} for {@code ttlMillis} (1 ms to
 * {@link Limits#MAX_TTL_MILLIS}); answered with {@link Ack} or {@link Rejected}.
 */
public record Store(Contact from, byte[] key, byte[] value, long ttlMillis) implements DhtRequest {
  public Store {
    Checks.nonNull(from, "from");
    Checks.exactBytes(key, Limits.KEY_BYTES, "key");
    Checks.maxBytes(value, Limits.MAX_VALUE_BYTES, "value");
    Checks.range(ttlMillis, 1, Limits.MAX_TTL_MILLIS, "ttlMillis");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Store other && from.equals(other.from) && Arrays.equals(key, other.key)
        && Arrays.equals(value, other.value) && ttlMillis == other.ttlMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, Arrays.hashCode(key), Arrays.hashCode(value), ttlMillis);
  }

  @Override
  public String toString() {
    return "Store[from=" + from + ", key=" + Bytes.show(key) + ", value=" + Bytes.show(value)
        + ", ttlMillis=" + ttlMillis + "]";
  }
}
