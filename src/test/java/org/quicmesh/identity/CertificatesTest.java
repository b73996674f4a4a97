package org.quicmesh.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class CertificatesTest {
  private final Keypair a = Keypair.generate();
  private final Keypair b = Keypair.generate();

  @Test
  void aCertificateVerifiesAgainstItsOwnNodeId() throws PeerIdentityException {
    X509Certificate cert = Certificates.selfSigned(a);
    assertEquals(a.nodeId(), Certificates.verifyPeerIdentity(cert, a.nodeId()));
    assertEquals(a.nodeId(), Certificates.verifyPeerIdentity(cert, null));
    assertEquals(a.nodeId(), Certificates.nodeIdOf(cert));
  }

  @Test
  void theNodeIdComesFromTheCertificatesKeyNotItsName() throws PeerIdentityException {
    X509Certificate cert = Certificates.selfSigned(a);
    assertEquals(NodeId.fromPublicKey(Keypair.rawPublicKey(cert.getPublicKey())), Certificates.nodeIdOf(cert));
  }

  @Test
  void aCertificateForAnotherNodeIsRefusedWithBothIds() {
    X509Certificate cert = Certificates.selfSigned(a);
    PeerIdentityException e =
        assertThrows(PeerIdentityException.class, () -> Certificates.verifyPeerIdentity(cert, b.nodeId()));
    assertTrue(e.getMessage().contains(a.nodeId().toString()) && e.getMessage().contains(b.nodeId().toString()),
        e.getMessage());
  }

  @Test
  void aNonEd25519CertificateIsRefused() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ec = generator.generateKeyPair();
    X500Name name = new X500Name("CN=not-a-mesh-node");
    Instant now = Instant.now();
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        name, BigInteger.ONE, Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name,
        ec.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(ec.getPrivate())));
    PeerIdentityException e =
        assertThrows(PeerIdentityException.class, () -> Certificates.verifyPeerIdentity(cert, null));
    assertTrue(e.getMessage().contains("Ed25519"), e.getMessage());
  }

  @Test
  void aCertificateWithATamperedSignatureIsRefused() throws Exception {
    byte[] der = Certificates.selfSigned(a).getEncoded();
    der[der.length - 1] ^= 0x01; // the signature BIT STRING is the last element
    X509Certificate tampered = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
    PeerIdentityException e =
        assertThrows(PeerIdentityException.class, () -> Certificates.verifyPeerIdentity(tampered, a.nodeId()));
    assertTrue(e.getMessage().contains("not a valid self-signed"), e.getMessage());
  }

  @Test
  void aCertificateSignedByAnotherKeyIsRefused() throws Exception {
    // A's key in the certificate, B's signature: claims A's identity without A's secret.
    X500Name name = new X500Name("CN=forged");
    Instant now = Instant.now();
    X509Certificate forged = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        name, BigInteger.TEN, Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name,
        a.jcaKeyPair().getPublic()).build(new JcaContentSignerBuilder("Ed25519").build(b.jcaKeyPair().getPrivate())));
    assertThrows(PeerIdentityException.class, () -> Certificates.verifyPeerIdentity(forged, a.nodeId()));
  }

  @Test
  void anExpiredCertificateIsRefused() {
    X509Certificate expired = Certificates.selfSigned(a, Duration.ofMinutes(-5));
    assertThrows(PeerIdentityException.class, () -> Certificates.verifyPeerIdentity(expired, a.nodeId()));
  }

  @Test
  void noCertificateIsRefused() {
    assertThrows(PeerIdentityException.class, () -> Certificates.verifyPeerIdentity(null, a.nodeId()));
  }
}
