package org.quicmesh.identity;

import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed Ed25519 certificates that carry a node's identity. The SubjectPublicKeyInfo is the binding: a peer's
 * NodeId is derived from the certificate's key, never from a name in it.
 */
public final class Certificates {
  private Certificates() {}

  /** A self-signed certificate for the keypair, valid from an hour ago for {@code validity}. */
  public static X509Certificate selfSigned(Keypair keypair, Duration validity) {
    Instant now = Instant.now();
    // The CN is informative only (a hex key does not fit RFC 5280's 64-character CN limit anyway).
    X500Name name = new X500Name("CN=quicmesh-" + keypair.nodeId().shortHex());
    try {
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          name,
          new BigInteger(64, new java.security.SecureRandom()).abs().add(BigInteger.ONE),
          Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(validity)),
          name,
          keypair.jcaKeyPair().getPublic());
      var signer = new JcaContentSignerBuilder("Ed25519").build(keypair.jcaKeyPair().getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException | CertificateException e) {
      throw new IllegalStateException("could not build an Ed25519 certificate", e);
    }
  }

  /** A self-signed certificate for the keypair, valid for a year. */
  public static X509Certificate selfSigned(Keypair keypair) {
    return selfSigned(keypair, Duration.ofDays(365));
  }

  /** The NodeId bound to a peer certificate: BLAKE3 of its Ed25519 public key. */
  public static NodeId nodeIdOf(X509Certificate certificate) throws PeerIdentityException {
    if (certificate == null) {
      throw new PeerIdentityException("peer presented no certificate");
    }
    try {
      return NodeId.fromPublicKey(Keypair.rawPublicKey(certificate.getPublicKey()));
    } catch (IllegalArgumentException e) {
      throw new PeerIdentityException("peer certificate does not hold an Ed25519 key (it has "
          + certificate.getPublicKey().getAlgorithm() + ")", e);
    }
  }

  /**
   * Checks that the certificate is a valid self-signed Ed25519 certificate whose key hashes to {@code claimed}.
   *
   * @return the verified NodeId
   */
  public static NodeId verifyPeerIdentity(X509Certificate certificate, NodeId claimed) throws PeerIdentityException {
    NodeId actual = verifySelfSigned(certificate);
    if (claimed != null && !actual.equals(claimed)) {
      throw new PeerIdentityException("peer certificate belongs to " + actual + ", not to the claimed " + claimed);
    }
    return actual;
  }

  /** Checks the self-signature and validity period and returns the NodeId the certificate binds. */
  public static NodeId verifySelfSigned(X509Certificate certificate) throws PeerIdentityException {
    NodeId id = nodeIdOf(certificate);
    try {
      certificate.checkValidity();
      certificate.verify(certificate.getPublicKey());
    } catch (java.security.GeneralSecurityException e) {
      throw new PeerIdentityException("peer certificate is not a valid self-signed certificate: " + e.getMessage(), e);
    }
    return id;
  }
}
