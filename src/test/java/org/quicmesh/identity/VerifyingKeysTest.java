package org.quicmesh.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

class VerifyingKeysTest {
  private static final byte[] MESSAGE = "the mesh".getBytes(StandardCharsets.UTF_8);

  @Test
  void aKeyIsDecodedOnceAndTheCallersArrayIsNotKept() {
    Keypair k = Keypair.generate();
    byte[] raw = k.publicKey();
    assertSame(VerifyingKeys.of(raw), VerifyingKeys.of(k.publicKey()));
    byte[] signature = k.sign(MESSAGE);
    raw[0] ^= 1; // the caller reuses its array: the kept key must not change with it
    assertTrue(Keypair.verify(k.publicKey(), MESSAGE, signature));
  }

  @Test
  void bytesThatAreNotACurvePointAreRejectedAndNotKept() {
    byte[] notAPoint = new byte[32];
    for (notAPoint[0] = 2; Ed25519.validatePublicKeyPartial(notAPoint, 0); notAPoint[0]++) {
      // about half of all y have no x on the curve
    }
    int before = VerifyingKeys.size();
    assertNull(VerifyingKeys.of(notAPoint));
    assertFalse(Keypair.isPublicKey(notAPoint));
    assertFalse(Keypair.verify(notAPoint, MESSAGE, new byte[64]));
    assertEquals(before, VerifyingKeys.size());
  }

  @Test
  void moreKeysThanItKeepsStillVerifyAndTheCacheStaysBounded() {
    Keypair first = Keypair.generate();
    byte[] signature = first.sign(MESSAGE);
    assertTrue(Keypair.verify(first.publicKey(), MESSAGE, signature));
    Random random = new Random(1);
    for (int kept = 0; kept < VerifyingKeys.CAPACITY + 10; ) {
      byte[] raw = new byte[32];
      random.nextBytes(raw);
      if (Keypair.isPublicKey(raw)) {
        kept++;
      }
    }
    assertTrue(VerifyingKeys.size() <= VerifyingKeys.CAPACITY);
    assertTrue(Keypair.verify(first.publicKey(), MESSAGE, signature), "an evicted key is decoded again");
    assertFalse(Keypair.verify(first.publicKey(), MESSAGE, Keypair.generate().sign(MESSAGE)));
  }
}
