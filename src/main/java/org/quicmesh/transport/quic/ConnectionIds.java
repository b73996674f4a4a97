package org.quicmesh.transport.quic;

import io.netty.handler.codec.quic.QuicConnectionAddress;
import io.netty.handler.codec.quic.QuicConnectionIdGenerator;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * Connection ids that say which of our two QUIC codecs owns them. Both codecs share one UDP socket, and the only
 * thing in a short-header packet that tells them apart is the destination connection id: ids our server codec hands
 * out start with {@link #SERVER_PREFIX}, ids our client connections choose start with {@link #CLIENT_PREFIX}. The
 * initial destination id a client picks for the server is server-prefixed too, so a peer's first packet can never be
 * mistaken for a reply to one of our own dials. All ids have {@link #LENGTH} bytes (both codecs must agree, or
 * short headers do not parse); the rest is random (RFC 9000 7.2: ids must not be predictable).
 */
final class ConnectionIds {
  static final int LENGTH = 16;
  static final byte SERVER_PREFIX = (byte) 0x5E;
  static final byte CLIENT_PREFIX = (byte) 0xC1;

  private static final SecureRandom RANDOM = new SecureRandom();

  private ConnectionIds() {}

  /** The local connection id of a connection we dial. */
  static QuicConnectionAddress newClientId() {
    return new QuicConnectionAddress(prefixed(CLIENT_PREFIX, LENGTH));
  }

  /** The initial destination connection id of a connection we dial (the peer's server codec receives it). */
  static QuicConnectionAddress newInitialServerId() {
    return new QuicConnectionAddress(prefixed(SERVER_PREFIX, LENGTH));
  }

  /** Whether a destination connection id (starting at {@code firstByte}) belongs to one of our dialed connections. */
  static boolean isClientId(byte firstByte) {
    return firstByte == CLIENT_PREFIX;
  }

  /** The server codec's generator: every id it issues (first and later NEW_CONNECTION_ID ones) is server-prefixed. */
  static QuicConnectionIdGenerator serverGenerator() {
    return new QuicConnectionIdGenerator() {
      @Override
      public ByteBuffer newId(int length) {
        return ByteBuffer.wrap(prefixed(SERVER_PREFIX, length));
      }

      @Override
      public ByteBuffer newId(ByteBuffer input, int length) {
        // Random, not derived from the input: retransmitted Initials still find their connection through the
        // original destination id, which the server codec maps as well.
        return newId(length);
      }

      @Override
      public int maxConnectionIdLength() {
        return 20;
      }

      @Override
      public boolean isIdempotent() {
        return false;
      }
    };
  }

  private static byte[] prefixed(byte prefix, int length) {
    if (length < 2 || length > 20) {
      throw new IllegalArgumentException("connection id length " + length + " outside 2..20");
    }
    byte[] id = new byte[length];
    RANDOM.nextBytes(id);
    id[0] = prefix;
    return id;
  }
}
