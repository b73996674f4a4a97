package org.quicmesh.connect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicmesh.transport.DatagramKind;

/** Path checks and their answers: what goes on the wire and what is refused when it comes back. */
class PathCheckTest {
  private static final byte[] TOKEN = token(7);

  static byte[] token(int seed) {
    byte[] token = new byte[PathCheck.TOKEN_BYTES];
    for (int i = 0; i < token.length; i++) {
      token[i] = (byte) (seed * 31 + i);
    }
    return token;
  }

  @Test
  void aCheckSurvivesTheRoundTripThroughItsBytes() {
    PathCheck check = new PathCheck(false, TOKEN, 0x0123_4567_89AB_CDEFL);

    PathCheck parsed = PathCheck.parse(check.toBytes()).orElseThrow();

    assertFalse(parsed.answer());
    assertArrayEquals(TOKEN, parsed.token());
    assertEquals(0x0123_4567_89AB_CDEFL, parsed.transaction());
    assertEquals(check, parsed);
  }

  @Test
  void anAnswerSurvivesTheRoundTripThroughItsBytes() {
    PathCheck answer = new PathCheck(true, TOKEN, -1L);

    assertEquals(Optional.of(answer), PathCheck.parse(answer.toBytes()));
  }

  @Test
  void theAnswerToACheckEchoesItsTokenAndTransaction() {
    PathCheck check = new PathCheck(false, TOKEN, 42L);

    PathCheck answer = check.answered();

    assertTrue(answer.answer());
    assertArrayEquals(check.token(), answer.token());
    assertEquals(42L, answer.transaction());
  }

  @Test
  void aCheckAndItsAnswerAreDifferentDatagramsOfTheProbeKind() {
    PathCheck check = new PathCheck(false, TOKEN, 42L);

    byte[] checkBytes = check.toBytes();
    byte[] answerBytes = check.answered().toBytes();

    assertFalse(Arrays.equals(checkBytes, answerBytes));
    assertEquals(Optional.of(DatagramKind.PROBE), DatagramKind.of(checkBytes));
    assertEquals(Optional.of(DatagramKind.PROBE), DatagramKind.of(answerBytes));
  }

  @Test
  void parseRefusesADatagramOfTheWrongLength() {
    byte[] bytes = new PathCheck(false, TOKEN, 1L).toBytes();

    assertTrue(PathCheck.parse(Arrays.copyOf(bytes, bytes.length - 1)).isEmpty(), "one byte short");
    assertTrue(PathCheck.parse(Arrays.copyOf(bytes, bytes.length + 1)).isEmpty(), "one byte long");
    assertTrue(PathCheck.parse(new byte[0]).isEmpty(), "empty");
  }

  @Test
  void parseRefusesADatagramWithoutTheProbeMagic() {
    byte[] magic = DatagramKind.probeMagic();
    for (int i = 0; i < magic.length; i++) {
      byte[] bytes = new PathCheck(false, TOKEN, 1L).toBytes();
      bytes[i] ^= 0x01;
      assertTrue(PathCheck.parse(bytes).isEmpty(), "magic byte " + i + " altered");
    }
  }

  @Test
  void parseRefusesAnUnknownSubtype() {
    byte[] bytes = new PathCheck(false, TOKEN, 1L).toBytes();
    bytes[DatagramKind.probeMagic().length] = 'X';

    assertTrue(PathCheck.parse(bytes).isEmpty());
  }

  @Test
  void parseTakesAKeepaliveForAnotherKindOfProbe() {
    byte[] keepalive = keepalive();

    assertEquals(Optional.of(DatagramKind.PROBE), DatagramKind.of(keepalive), "a keepalive is a probe");
    assertTrue(PathCheck.parse(keepalive).isEmpty());
  }

  @Test
  void parseRefusesAKeepaliveSubtypeEvenAtTheLengthOfACheck() {
    byte[] bytes = new PathCheck(false, TOKEN, 1L).toBytes();
    bytes[DatagramKind.probeMagic().length] = 'K';

    assertTrue(PathCheck.parse(bytes).isEmpty());
  }

  @Test
  void aTokenOfAnyOtherLengthIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new PathCheck(false, new byte[PathCheck.TOKEN_BYTES - 1], 1L));
    assertThrows(IllegalArgumentException.class, () -> new PathCheck(false, new byte[PathCheck.TOKEN_BYTES + 1], 1L));
  }

  @Test
  void changingTheArrayGivenToTheConstructorDoesNotChangeTheCheck() {
    byte[] token = token(3);
    PathCheck check = new PathCheck(false, token, 1L);

    token[0] ^= 0x7F;

    assertArrayEquals(token(3), check.token());
  }

  @Test
  void changingTheArrayReturnedByTokenDoesNotChangeTheCheck() {
    PathCheck check = new PathCheck(false, token(3), 1L);

    check.token()[0] ^= 0x7F;

    assertArrayEquals(token(3), check.token());
    assertEquals(new PathCheck(false, token(3), 1L), check);
  }

  @Test
  void checksWithEqualContentsAreEqualAndHashAlike() {
    PathCheck a = new PathCheck(true, token(5), 9L);
    PathCheck b = new PathCheck(true, token(5), 9L);

    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertFalse(a.equals(new PathCheck(false, token(5), 9L)), "check vs answer");
    assertFalse(a.equals(new PathCheck(true, token(6), 9L)), "other token");
    assertFalse(a.equals(new PathCheck(true, token(5), 8L)), "other transaction");
  }

  @Test
  void theKeyOfATokenIsItsHex() {
    assertEquals(java.util.HexFormat.of().formatHex(TOKEN), PathCheck.key(TOKEN));
  }

  /** The keepalive of org.quicmesh.nat.Keepalive (package-private there): probe magic then 'K'. */
  private static byte[] keepalive() {
    byte[] magic = DatagramKind.probeMagic();
    byte[] bytes = Arrays.copyOf(magic, magic.length + 1);
    bytes[magic.length] = 'K';
    return bytes;
  }
}
