package org.quicmesh.transport.quic.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Turns one stream element into the bytes written for it. The returned buffer is owned by the caller. */
@FunctionalInterface
public interface StreamEncoder<T> {
  ByteBuf encode(T element, ByteBufAllocator alloc);
}
