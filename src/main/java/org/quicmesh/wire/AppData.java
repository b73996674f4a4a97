package org.quicmesh.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bytes an application sends to a peer: one chunk of at most {@link Limits#MAX_APP_DATA_BYTES}, number {@code seq}
 * of its sender's stream to this peer (chunks are sent one at a time, each answered with {@link Ack} once the
 * receiver took it, so they arrive reliably and in order).
 */
public record AppData(Contact from, long seq, byte[] data) implements AppRequest {
  public AppData {
    Checks.nonNull(from, "from");
    Checks.maxBytes(data, Limits.MAX_APP_DATA_BYTES, "data");
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AppData other && from.equals(other.from) && seq == other.seq
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, seq, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "AppData[from=" + from + ", seq=" + seq + ", data=" + Bytes.show(data) + "]";
  }
}
