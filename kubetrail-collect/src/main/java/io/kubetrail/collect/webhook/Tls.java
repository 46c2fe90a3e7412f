package io.kubetrail.collect.webhook;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The listener's TLS: its certificate chain and key, and, with a client CA, the check of client
 * certificates.
 *
 * <p>The handshake asks for a client certificate and takes any (its owner still proves it holds the
 * key); the chain is checked against the CA per request instead. A handshake that failed on an
 * unknown certificate would leave the client with a TLS alert and no reason; this way a request
 * without a certificate is answered 401 and one with a certificate the CA did not sign 403.
 */
public final class Tls {
  private static final char[] NO_PASSWORD = new char[0];

  private final SSLContext context;
  private final Optional<X509TrustManager> clientTrust;
  private final List<X509Certificate> clientCAs;

  private Tls(
      SSLContext context, Optional<X509TrustManager> clientTrust, List<X509Certificate> clientCAs) {
    this.context = context;
    this.clientTrust = clientTrust;
    this.clientCAs = clientCAs;
  }

  /**
   * A server's TLS context from PEM files of its certificate chain and private key, for every HTTPS
   * listener of kubetrail.
   *
   * @throws IOException naming the files when they cannot be read or do not match
   */
  public static SSLContext serverContext(Path cert, Path key) throws IOException {
    return load(cert, key, Optional.empty()).context();
  }

  static Tls load(Path cert, Path key, Optional<Path> clientCA) throws IOException {
    List<X509Certificate> chain = Pem.certificates(cert, "tlsCert");
    PrivateKey privateKey = Pem.privateKey(key, "tlsKey");
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", privateKey, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, NO_PASSWORD);
      Optional<X509TrustManager> clientTrust = Optional.empty();
      List<X509Certificate> cas = List.of();
      TrustManager[] handshakeTrust = null;
      if (clientCA.isPresent()) {
        cas = Pem.certificates(clientCA.get(), "clientCA");
        clientTrust = Optional.of(trustManager(cas));
        handshakeTrust = new TrustManager[] {new AskingTrustManager(cas)};
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), handshakeTrust, null);
      return new Tls(context, clientTrust, cas);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "tlsCert/tlsKey: cannot use "
              + cert
              + " with "
              + key
              + " (does the key match the certificate?): "
              + e.getMessage(),
          e);
    }
  }

  private static X509TrustManager trustManager(List<X509Certificate> cas)
      throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      trust.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  SSLContext context() {
    return context;
  }

  boolean requiresClientCertificate() {
    return clientTrust.isPresent();
  }

  /**
   * Checks a client's certificate chain against the client CA.
   *
   * @return empty when the CA signed it, else why not
   */
  Optional<String> checkClient(X509Certificate[] chain) {
    if (clientTrust.isEmpty()) {
      return Optional.empty();
    }
    try {
      clientTrust.get().checkClientTrusted(chain, chain[0].getPublicKey().getAlgorithm());
      return Optional.empty();
    } catch (CertificateException | IllegalArgumentException e) {
      return Optional.of(
          "client certificate "
              + chain[0].getSubjectX500Principal().getName()
              + " is not signed by the client CA ("
              + clientCAs.size()
              + " certificate(s)): "
              + e.getMessage());
    }
  }

  /** Asks for a client certificate issued by the CAs, and leaves the check to the request. */
  private static final class AskingTrustManager extends X509ExtendedTrustManager {
    private final X509Certificate[] issuers;

    AskingTrustManager(List<X509Certificate> cas) {
      this.issuers = cas.toArray(new X509Certificate[0]);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a server trust manager only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("a server trust manager only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("a server trust manager only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return issuers.clone();
    }
  }
}
