package org.quicmesh.transport.quic;

import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.AttributeKey;
import java.io.ByteArrayInputStream;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.quicmesh.identity.Certificates;
import org.quicmesh.identity.Keypair;
import org.quicmesh.identity.NodeId;
import org.quicmesh.identity.PeerIdentityException;

/**
 * Mutual TLS with Ed25519 self-signed certificates over Netty QUIC (BoringSSL), following the recipe verified in
 * DESIGN section 4: a key manager that offers our certificate for every key type, {@code ed25519} as the only
 * signature algorithm on both sides, a trust manager that accepts any valid self-signed Ed25519 certificate, and the
 * server requiring a client certificate. The NodeId binding is checked after the handshake by {@link #peerId}.
 */
public final class QuicTls {
  /** The one application protocol we speak. */
  public static final String ALPN = "quicmesh/dht/1";

  // Lowercase: BoringSSL rejects "Ed25519".
  private static final String[] SIGNATURE_ALGORITHMS = {"ed25519"};
  private static final AttributeKey<NodeId> PEER_ID = AttributeKey.valueOf(QuicTls.class, "peerId");

  private QuicTls() {}

  /** The server side: requires and checks a client certificate. */
  public static QuicSslContext serverContext(Keypair keypair, X509Certificate certificate) {
    return QuicSslContextBuilder.forServer(new NodeKeyManager(keypair.jcaKeyPair().getPrivate(), certificate), null)
        .trustManager(SelfSignedPeerTrustManager.INSTANCE)
        .clientAuth(ClientAuth.REQUIRE)
        .applicationProtocols(ALPN)
        .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, SIGNATURE_ALGORITHMS)
        .build();
  }

  /** The client side: presents our certificate and accepts any self-signed Ed25519 server certificate. */
  public static QuicSslContext clientContext(Keypair keypair, X509Certificate certificate) {
    return QuicSslContextBuilder.forClient()
        .keyManager(new NodeKeyManager(keypair.jcaKeyPair().getPrivate(), certificate), null)
        .trustManager(SelfSignedPeerTrustManager.INSTANCE)
        .applicationProtocols(ALPN)
        .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, SIGNATURE_ALGORITHMS)
        .build();
  }

  /**
   * The verified NodeId of the peer of a handshaken connection: BLAKE3 of its certificate's Ed25519 key, after
   * checking the self-signature. Cached on the channel.
   */
  public static NodeId peerId(QuicChannel channel) throws PeerIdentityException {
    NodeId cached = channel.attr(PEER_ID).get();
    if (cached != null) {
      return cached;
    }
    SSLEngine engine = channel.sslEngine();
    if (engine == null) {
      throw new PeerIdentityException("connection has no TLS engine");
    }
    Certificate[] chain;
    try {
      chain = engine.getSession().getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new PeerIdentityException("peer presented no certificate", e);
    }
    if (chain == null || chain.length == 0) {
      throw new PeerIdentityException("peer presented no certificate");
    }
    NodeId id = Certificates.verifySelfSigned(asX509(chain[0]));
    channel.attr(PEER_ID).set(id);
    return id;
  }

  private static X509Certificate asX509(Certificate certificate) throws PeerIdentityException {
    try {
      // Re-parse with the JDK factory: the engine may hand out a lazy wrapper whose key type the JDK cannot use.
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
    } catch (CertificateException | ClassCastException e) {
      throw new PeerIdentityException("peer certificate is not X.509", e);
    }
  }
}
