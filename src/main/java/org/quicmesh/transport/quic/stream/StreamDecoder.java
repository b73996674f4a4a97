package org.quicmesh.transport.quic.stream;

import io.netty.buffer.ByteBuf;
import org.quicmesh.wire.WireFormatException;

/** Cuts elements from the bytes received on a stream. */
@FunctionalInterface
public interface StreamDecoder<T> {
  /**
   * Removes the next element from the front of {@code buffered} and returns it, or returns null (consuming nothing)
   * when more bytes are needed. Never retains {@code buffered}.
   */
  T decode(ByteBuf buffered) throws WireFormatException;
}
