package org.quicmesh.wire;

import java.util.Arrays;

/**
 * Asks for the value under a 32-byte {@code key}: answered with {@link Value} if the peer holds it, else with the
 * {@link Nodes} closest to the key.
 */
public record FindValue(Contact from, byte[] key) implements DhtRequest {
  public FindValue {
    Checks.nonNull(from, "from");
    Checks.exactBytes(key, Limits.KEY_BYTES, "key");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FindValue other && from.equals(other.from) && Arrays.equals(key, other.key);
  }

  @Override
  public int hashCode() {
    return 31 * from.hashCode() + Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "FindValue[from=" + from + ", key=" + Bytes.show(key) + "]";
  }
}
