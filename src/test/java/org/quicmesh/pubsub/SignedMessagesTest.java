package org.quicmesh.pubsub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quicmesh.identity.Keypair;
import org.quicmesh.wire.Publish;
import org.quicmesh.wire.WireCodec;

class SignedMessagesTest {
  private static final Keypair ORIGIN = PubSubTestData.keypair(1);
  private static final byte[] PAYLOAD = "hello mesh".getBytes(StandardCharsets.UTF_8);
  private static final Publish SIGNED = SignedMessages.sign(ORIGIN, "chat", 42, PAYLOAD);

  @Test
  void signedMessageVerifiesAndNamesItsOriginAndId() {
    Verification v = SignedMessages.verify(SIGNED);
    Verification.Valid valid = assertInstanceOf(Verification.Valid.class, v);
    assertTrue(v.isValid());
    assertEquals(ORIGIN.nodeId(), valid.origin());
    assertEquals(MessageId.of(ORIGIN.publicKey(), 42), valid.id());
    assertArrayEquals(ORIGIN.publicKey(), SIGNED.origin());
  }

  @Test
  void signatureSurvivesTheWireCodec() throws Exception {
    Publish decoded = (Publish) WireCodec.decode(WireCodec.encode(SIGNED));
    assertTrue(SignedMessages.verify(decoded).isValid());
  }

  @Test
  void anotherTopicWithTheSameSignatureFails() {
    assertBadSignature(new Publish("chat2", SIGNED.origin(), 42, PAYLOAD, SIGNED.signature()));
  }

  @Test
  void aTamperedPayloadFails() {
    byte[] tampered = PAYLOAD.clone();
    tampered[0] ^= 1;
    assertBadSignature(new Publish("chat", SIGNED.origin(), 42, tampered, SIGNED.signature()));
    assertBadSignature(new Publish("chat", SIGNED.origin(), 42, Arrays.copyOf(PAYLOAD, 9), SIGNED.signature()));
  }

  @Test
  void anotherSeqnoWithTheSameSignatureFails() {
    assertBadSignature(new Publish("chat", SIGNED.origin(), 43, PAYLOAD, SIGNED.signature()));
  }

  @Test
  void anotherOriginWithTheSameSignatureFails() {
    byte[] other = PubSubTestData.keypair(2).publicKey();
    assertBadSignature(new Publish("chat", other, 42, PAYLOAD, SIGNED.signature()));
  }

  @Test
  void aTamperedSignatureFails() {
    byte[] sig = SIGNED.signature().clone();
    sig[10] ^= 1;
    assertBadSignature(new Publish("chat", SIGNED.origin(), 42, PAYLOAD, sig));
  }

  @Test
  void aSignatureByAnotherKeyUnderThisOriginFails() {
    Publish forged = SignedMessages.sign(PubSubTestData.keypair(2), "chat", 42, PAYLOAD);
    assertBadSignature(new Publish("chat", SIGNED.origin(), 42, PAYLOAD, forged.signature()));
  }

  @Test
  void aSignatureOverTheUndomainedFieldsFails() {
    // Whatever else the key signs (e.g. with another domain) cannot be passed off as a publish signature.
    byte[] signed = SignedMessages.signedBytes("chat", ORIGIN.publicKey(), 42, PAYLOAD);
    int domain = SignedMessages.SIGNATURE_DOMAIN.length() + 1;
    byte[] sig = ORIGIN.sign(Arrays.copyOfRange(signed, domain, signed.length));
    assertBadSignature(new Publish("chat", SIGNED.origin(), 42, PAYLOAD, sig));
  }

  @Test
  void fieldBoundariesCannotShift() {
    // Length prefixes: moving bytes between topic and payload changes the signed bytes.
    byte[] origin = ORIGIN.publicKey();
    byte[] a = SignedMessages.signedBytes("ab", origin, 1, "c".getBytes(StandardCharsets.UTF_8));
    byte[] b = SignedMessages.signedBytes("a", origin, 1, "bc".getBytes(StandardCharsets.UTF_8));
    assertFalse(Arrays.equals(a, b));
  }

  @Test
  void anOriginThatIsNotAPublicKeyIsMalformed() {
    byte[] notAPoint = new byte[32];
    Arrays.fill(notAPoint, (byte) 0xff); // y >= p: not a canonical point encoding
    Verification v = SignedMessages.verify(new Publish("chat", notAPoint, 42, PAYLOAD, SIGNED.signature()));
    assertEquals(Verification.Reason.MALFORMED, assertInstanceOf(Verification.Invalid.class, v).reason());
  }

  @Test
  void nullIsMalformedNotAnException() {
    Verification v = SignedMessages.verify(null);
    assertEquals(Verification.Reason.MALFORMED, assertInstanceOf(Verification.Invalid.class, v).reason());
  }

  @Test
  void signingRefusesWhatTheWireRefuses() {
    assertThrows(IllegalArgumentException.class, () -> SignedMessages.sign(ORIGIN, "", 1, PAYLOAD));
    assertThrows(IllegalArgumentException.class,
        () -> SignedMessages.sign(ORIGIN, "chat", 1, new byte[64 * 1024 + 1]));
  }

  @Test
  void emptyPayloadAndMaximumPayloadRoundTrip() {
    assertTrue(SignedMessages.verify(SignedMessages.sign(ORIGIN, "chat", 0, new byte[0])).isValid());
    assertTrue(SignedMessages.verify(SignedMessages.sign(ORIGIN, "chat", -1, new byte[64 * 1024])).isValid());
  }

  private static void assertBadSignature(Publish message) {
    Verification v = SignedMessages.verify(message);
    assertEquals(Verification.Reason.BAD_SIGNATURE, assertInstanceOf(Verification.Invalid.class, v).reason());
  }
}
