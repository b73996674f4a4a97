package org.quicmesh.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeypairTest {
  private static final byte[] MESSAGE = "the mesh".getBytes(StandardCharsets.UTF_8);

  @Test
  void signatureVerifiesUnderTheSignersKey() {
    Keypair k = Keypair.generate();
    byte[] sig = k.sign(MESSAGE);
    assertEquals(64, sig.length);
    assertTrue(Keypair.verify(k.publicKey(), MESSAGE, sig));
  }

  @Test
  void verifyRejectsATamperedMessage() {
    Keypair k = Keypair.generate();
    byte[] sig = k.sign(MESSAGE);
    byte[] tampered = MESSAGE.clone();
    tampered[0] ^= 1;
    assertFalse(Keypair.verify(k.publicKey(), tampered, sig));
  }

  @Test
  void verifyRejectsAnotherKeysSignature() {
    Keypair k = Keypair.generate();
    assertFalse(Keypair.verify(k.publicKey(), MESSAGE, Keypair.generate().sign(MESSAGE)));
  }

  @Test
  void verifyRejectsWrongLengthSignaturesAndKeysWithoutThrowing() {
    Keypair k = Keypair.generate();
    byte[] sig = k.sign(MESSAGE);
    assertFalse(Keypair.verify(k.publicKey(), MESSAGE, Arrays.copyOf(sig, 63)));
    assertFalse(Keypair.verify(k.publicKey(), MESSAGE, Arrays.copyOf(sig, 65)));
    assertFalse(Keypair.verify(k.publicKey(), MESSAGE, null));
    assertFalse(Keypair.verify(new byte[31], MESSAGE, sig));
    assertFalse(Keypair.verify(null, MESSAGE, sig));
  }

  @Test
  void fromSecretRestoresTheSameIdentity() {
    Keypair k = Keypair.generate();
    Keypair restored = Keypair.fromSecret(k.secret());
    assertEquals(k.nodeId(), restored.nodeId());
    assertArrayEquals(k.publicKey(), restored.publicKey());
    assertTrue(Keypair.verify(k.publicKey(), MESSAGE, restored.sign(MESSAGE)));
  }

  @Test
  void fromSecretMatchesRfc8032TestVector1() {
    // RFC 8032 section 7.1, TEST 1.
    java.util.HexFormat hex = java.util.HexFormat.of();
    Keypair k = Keypair.fromSecret(hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", hex.formatHex(k.publicKey()));
    assertEquals("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        hex.formatHex(k.sign(new byte[0])));
  }

  @Test
  void signaturesInteroperateWithTheJcaKeysUsedForTls() throws Exception {
    Keypair k = Keypair.generate();
    java.security.Signature jdk = java.security.Signature.getInstance("Ed25519");
    jdk.initVerify(k.jcaKeyPair().getPublic());
    jdk.update(MESSAGE);
    assertTrue(jdk.verify(k.sign(MESSAGE)));
    jdk.initSign(k.jcaKeyPair().getPrivate());
    jdk.update(MESSAGE);
    assertTrue(Keypair.verify(k.publicKey(), MESSAGE, jdk.sign()));
  }

  @Test
  void seededGenerationIsReproducible() throws Exception {
    java.security.SecureRandom r1 = java.security.SecureRandom.getInstance("SHA1PRNG");
    r1.setSeed(7);
    java.security.SecureRandom r2 = java.security.SecureRandom.getInstance("SHA1PRNG");
    r2.setSeed(7);
    assertEquals(Keypair.generate(r1).nodeId(), Keypair.generate(r2).nodeId());
  }

  @Test
  void verifyRejectsAPublicKeyThatIsNotACurvePoint() {
    Keypair k = Keypair.generate();
    byte[] bogus = new byte[32];
    java.util.Arrays.fill(bogus, (byte) 0xff);
    assertFalse(Keypair.verify(bogus, MESSAGE, k.sign(MESSAGE)));
  }

  @Test
  void fromSecretRejectsWrongLength() {
    assertThrows(IllegalArgumentException.class, () -> Keypair.fromSecret(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> Keypair.fromSecret(null));
  }

  @Test
  void toStringDoesNotRevealTheSecret() {
    Keypair k = Keypair.generate();
    String text = k.toString();
    assertTrue(text.contains(k.nodeId().toHex()));
    assertFalse(text.contains(java.util.Base64.getEncoder().encodeToString(k.secret())));
    assertFalse(text.contains(java.util.HexFormat.of().formatHex(k.secret())));
  }
}
