package org.quicmesh.transport.quic.stream;

import java.io.IOException;

/** The QUIC stream (or its connection) closed before the data on it was complete. */
public final class StreamClosedException extends IOException {
  public StreamClosedException(String message) {
    super(message);
  }
}
