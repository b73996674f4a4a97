package org.quicmesh.identity;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 keypair: the root of a node's identity. Signatures use BouncyCastle's Ed25519 (about ten times faster
 * than the JDK 17 provider here, which matters for verifying DHT records); the JCA form serves TLS.
 */
public final class Keypair {
  // DER prefixes of Ed25519 SubjectPublicKeyInfo and PKCS#8 PrivateKeyInfo (RFC 8410), followed by 32 raw bytes.
  private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  private static final byte[] PKCS8_PREFIX =
      {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

  private final KeyPair keyPair; // JCA form, for TLS
  private final Ed25519PrivateKeyParameters signingKey; // BouncyCastle form, for fast record signatures
  private final byte[] rawPublicKey;
  private final NodeId nodeId;

  private Keypair(KeyPair keyPair, Ed25519PrivateKeyParameters signingKey) {
    this.keyPair = keyPair;
    this.signingKey = signingKey;
    this.rawPublicKey = rawPublicKey(keyPair.getPublic());
    this.nodeId = NodeId.fromPublicKey(rawPublicKey);
  }

  public static Keypair generate() {
    return generate(new SecureRandom());
  }

  /** Generates from the given randomness (seeded in simulations for reproducible ids). */
  public static Keypair generate(SecureRandom random) {
    byte[] secret = new byte[32];
    random.nextBytes(secret); // an Ed25519 secret is 32 uniformly random bytes (RFC 8032 section 5.1.5)
    try {
      return fromSecret(secret);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** Restores a keypair from its 32-byte secret (the RFC 8032 private key seed). */
  public static Keypair fromSecret(byte[] secret) {
    if (secret == null || secret.length != 32) {
      throw new IllegalArgumentException("an Ed25519 secret has 32 bytes");
    }
    try {
      KeyFactory factory = KeyFactory.getInstance("Ed25519");
      PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, secret)));
      Ed25519PrivateKeyParameters signingKey = new Ed25519PrivateKeyParameters(secret, 0);
      byte[] raw = signingKey.generatePublicKey().getEncoded();
      PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(concat(SPKI_PREFIX, raw)));
      return new Keypair(new KeyPair(publicKey, privateKey), signingKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid Ed25519 secret", e);
    }
  }

  /** The raw 32 public key bytes of an Ed25519 JCA key. */
  public static byte[] rawPublicKey(PublicKey key) {
    byte[] encoded = key.getEncoded();
    if (!"EdDSA".equals(key.getAlgorithm()) && !"Ed25519".equals(key.getAlgorithm())
        || encoded.length != SPKI_PREFIX.length + 32
        || !Arrays.equals(encoded, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
    }
    return Arrays.copyOfRange(encoded, SPKI_PREFIX.length, encoded.length);
  }

  /** A JCA public key from raw 32 bytes. */
  public static PublicKey publicKeyFromRaw(byte[] raw) {
    if (raw == null || raw.length != 32) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
    }
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(SPKI_PREFIX, raw)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid Ed25519 public key", e);
    }
  }

  /** The 32-byte secret; handle with care (only for saving the identity). */
  public byte[] secret() {
    return signingKey.getEncoded();
  }

  public byte[] publicKey() {
    return rawPublicKey.clone();
  }

  public NodeId nodeId() {
    return nodeId;
  }

  public KeyPair jcaKeyPair() {
    return keyPair;
  }

  /** Ed25519 signature (RFC 8032, deterministic) of the message. */
  public byte[] sign(byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, signingKey);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  /** Verifies an Ed25519 signature by a raw public key; false for any malformed input, never an exception. */
  public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
    if (rawPublicKey == null || rawPublicKey.length != 32 || message == null
        || signature == null || signature.length != 64) {
      return false;
    }
    Ed25519PublicKeyParameters key = VerifyingKeys.of(rawPublicKey);
    return key != null && key.verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
  }

  /** Whether {@code raw} is an Ed25519 public key: 32 bytes that decode to a curve point. */
  public static boolean isPublicKey(byte[] raw) {
    return VerifyingKeys.of(raw) != null;
  }

  /**
   * Writes this identity to a new owner-only ({@code rw-------}) file; refuses to overwrite an existing one. See
   * {@link KeyFile} for the format.
   *
   * @throws IdentityFileException with {@code ALREADY_EXISTS}, {@code INSECURE_PERMISSIONS} (no POSIX file system) or
   *     {@code IO}
   */
  public void save(Path path) throws IdentityFileException {
    KeyFile.save(this, path);
  }

  /**
   * Reads an identity file written by {@link #save}. Refuses (never repairs) a file that group or others can access,
   * that is not in the expected format, or whose content is damaged.
   *
   * @throws IdentityFileException with the specific {@link IdentityFileException.Problem}
   */
  public static Keypair load(Path path) throws IdentityFileException {
    return KeyFile.load(path);
  }

  /**
   * Loads the identity at {@code path}, creating a fresh one there only if the file does not exist. A present but
   * unusable file is an error, never a reason to generate a new identity.
   */
  public static Keypair loadOrCreate(Path path) throws IdentityFileException {
    return KeyFile.loadOrCreate(path, new SecureRandom());
  }

  /** Shows only the node id: the secret must never reach a log. */
  @Override
  public String toString() {
    return "Keypair[" + nodeId.toHex() + "]";
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
