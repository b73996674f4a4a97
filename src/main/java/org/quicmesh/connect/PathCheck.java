package org.quicmesh.connect;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.quicmesh.transport.DatagramKind;

/**
 * A connectivity check on one path, and its answer: probe-kind datagrams ({@link DatagramKind#PROBE}) with subtype
 * {@code 'C'} (check) or {@code 'A'} (answer), then the 16-byte token the two ends agreed over their authenticated
 * connection, then an 8-byte transaction id the answer echoes. Only the two ends know the token, so an answer is proof
 * that the path carries datagrams both ways between them; the answer goes to the address the check came from, which
 * is how an end learns a peer-reflexive address.
 */
public record PathCheck(boolean answer, byte[] token, long transaction) {
  public static final int TOKEN_BYTES = 16;
  static final byte CHECK = 'C';
  static final byte ANSWER = 'A';
  private static final byte[] MAGIC = DatagramKind.probeMagic();
  private static final int SIZE = MAGIC.length + 1 + TOKEN_BYTES + 8;

  public PathCheck {
    if (token.length != TOKEN_BYTES) {
      throw new IllegalArgumentException("token must have " + TOKEN_BYTES + " bytes");
    }
    token = token.clone();
  }

  @Override
  public byte[] token() {
    return token.clone();
  }

  /** The answer to this check. */
  public PathCheck answered() {
    return new PathCheck(true, token, transaction);
  }

  public byte[] toBytes() {
    return ByteBuffer.allocate(SIZE).put(MAGIC).put(answer ? ANSWER : CHECK).put(token).putLong(transaction).array();
  }

  /** The check or answer in {@code datagram}, or empty if it is another kind of probe or malformed. */
  public static Optional<PathCheck> parse(byte[] datagram) {
    if (datagram.length != SIZE || !Arrays.equals(datagram, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return Optional.empty();
    }
    byte subtype = datagram[MAGIC.length];
    if (subtype != CHECK && subtype != ANSWER) {
      return Optional.empty();
    }
    ByteBuffer d = ByteBuffer.wrap(datagram, MAGIC.length + 1, TOKEN_BYTES + 8);
    byte[] token = new byte[TOKEN_BYTES];
    d.get(token);
    return Optional.of(new PathCheck(subtype == ANSWER, token, d.getLong()));
  }

  /** A token as a map key. */
  public static String key(byte[] token) {
    return java.util.HexFormat.of().formatHex(token);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathCheck other && answer == other.answer && transaction == other.transaction
        && Arrays.equals(token, other.token);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(transaction) * 31 + Arrays.hashCode(token);
  }

  @Override
  public String toString() {
    return (answer ? "PathCheck.answer[" : "PathCheck[") + Long.toHexString(transaction) + "]";
  }
}
