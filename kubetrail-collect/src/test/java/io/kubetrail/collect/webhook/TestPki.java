package io.kubetrail.collect.webhook;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Certificates for tests: a CA, certificates it signs, and their PEM files. Shipped in this
 * module's test jar for every module with a TLS listener.
 */
public final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How a private key is written. */
  public enum KeyFormat {
    PKCS8,
    /** {@code RSA PRIVATE KEY} or {@code EC PRIVATE KEY}, as openssl and kubeadm write them. */
    TRADITIONAL
  }

  /** A certificate with its key. */
  public record Issued(X509Certificate certificate, KeyPair keys) {}

  private TestPki() {}

  public static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048, RANDOM);
    return g.generateKeyPair();
  }

  public static KeyPair ec() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  public static Issued ca(String name) throws Exception {
    KeyPair keys = ec();
    return new Issued(sign(name, keys, Optional.empty(), true), keys);
  }

  /** A leaf certificate for 127.0.0.1 (server and client use), signed by {@code ca}. */
  public static Issued leaf(String name, KeyPair keys, Issued ca) throws Exception {
    return new Issued(sign(name, keys, Optional.of(ca), false), keys);
  }

  private static X509Certificate sign(
      String name, KeyPair keys, Optional<Issued> issuer, boolean isCa) throws Exception {
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=" + name);
    X500Name issuerName =
        issuer.isPresent()
            ? new X500Name(issuer.get().certificate().getSubjectX500Principal().getName())
            : subject;
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuerName,
            new BigInteger(64, RANDOM),
            Date.from(now.minus(1, ChronoUnit.HOURS)),
            Date.from(now.plus(1, ChronoUnit.DAYS)),
            subject,
            keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (!isCa) {
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    }
    PrivateKey signer = issuer.isPresent() ? issuer.get().keys().getPrivate() : keys.getPrivate();
    String algorithm = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(signer)));
  }

  public static Path writeCertificate(Path file, X509Certificate... chain) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      for (X509Certificate c : chain) {
        pem.writeObject(c);
      }
    }
    Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
    return file;
  }

  public static Path writeKey(Path file, KeyPair keys, KeyFormat format) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      if (format == KeyFormat.PKCS8) {
        pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
      } else if (keys.getPrivate().getAlgorithm().equals("EC")) {
        pem.writeObject(new PemObject("EC PRIVATE KEY", sec1(keys)));
      } else {
        pem.writeObject(keys.getPrivate());
      }
    }
    Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
    return file;
  }

  /** SEC1 with the curve named, as openssl writes it (the JDK's own encoding leaves it out). */
  private static byte[] sec1(KeyPair keys) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
    DERBitString publicKey =
        new DERBitString(
            SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded())
                .getPublicKeyData()
                .getBytes());
    return new ECPrivateKey(256, inner.getKey(), publicKey, curve).getEncoded();
  }

  /** A client TLS context trusting {@code ca}, presenting {@code client} when given. */
  public static SSLContext clientContext(Issued ca, Optional<Issued> client) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (client.isPresent()) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "client",
          client.get().keys().getPrivate(),
          new char[0],
          new X509Certificate[] {client.get().certificate()});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    KeyManager[] keyManagers =
        kmf == null
            ? null
            : new KeyManager[] {new Always((X509KeyManager) kmf.getKeyManagers()[0])};
    context.init(keyManagers, tmf.getTrustManagers(), null);
    return context;
  }

  /** Presents the one client certificate whatever CAs the server names, as a stranger would. */
  private static final class Always extends X509ExtendedKeyManager {
    private final X509KeyManager keys;

    Always(X509KeyManager keys) {
      this.keys = keys;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "client";
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
  }
}
