package org.quicmesh.transport.quic;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.quicmesh.identity.Certificates;
import org.quicmesh.identity.PeerIdentityException;

/**
 * Accepts any valid self-signed Ed25519 certificate: there is no CA in a mesh, the certificate's key is the identity.
 * Which NodeId that is gets checked by the transport after the handshake. Extended (engine-aware) because BoringSSL
 * refuses a plain trust manager while endpoint identification is on; host names mean nothing here.
 */
final class SelfSignedPeerTrustManager extends X509ExtendedTrustManager {
  static final SelfSignedPeerTrustManager INSTANCE = new SelfSignedPeerTrustManager();

  private SelfSignedPeerTrustManager() {}

  private static void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("peer sent no certificate");
    }
    try {
      Certificates.verifySelfSigned(chain[0]);
    } catch (PeerIdentityException e) {
      throw new CertificateException(e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
