package org.quicmesh.wire;

import java.util.Arrays;

/**
 * The value a {@link FindValue} asked for. A peer that does not hold the key answers with {@link Nodes} instead, so
 * each case is its own type and neither carries an empty or null field.
 */
public record Value(byte[] value) implements DhtResponse {
  public Value {
    Checks.maxBytes(value, Limits.MAX_VALUE_BYTES, "value");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Value other && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Value[" + Bytes.show(value) + "]";
  }
}
