package io.kubetrail.collect.webhook;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys from PEM files, as kubeadm, openssl and cert-manager write them.
 * Private keys may be PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1
 * ({@code EC PRIVATE KEY}); the JDK reads only PKCS#8, so the other two are wrapped into it here.
 */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----", Pattern.DOTALL);
  // DER encodings of the object identifiers the wrapping needs.
  private static final byte[] RSA_ENCRYPTION = {
    0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
  };
  private static final byte[] EC_PUBLIC_KEY = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };
  private static final byte[] DER_NULL = {0x05, 0x00};
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

  private Pem() {}

  /** One PEM block: its label and decoded bytes. */
  record Block(String label, byte[] der) {}

  static List<Block> blocks(Path file, String field) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IOException(field + ": file not found: " + file, e);
    }
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        blocks.add(
            new Block(
                m.group(1), Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", ""))));
      } catch (IllegalArgumentException e) {
        throw new IOException(field + ": bad base64 in a " + m.group(1) + " block of " + file, e);
      }
    }
    return blocks;
  }

  /** Every certificate in a PEM file, in order; at least one. */
  static List<X509Certificate> certificates(Path file, String field) throws IOException {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(file, field)) {
        if (b.label().equals("CERTIFICATE")) {
          Certificate c = factory.generateCertificate(new ByteArrayInputStream(b.der()));
          certs.add((X509Certificate) c);
        }
      }
    } catch (CertificateException e) {
      throw new IOException(
          field + ": not a valid certificate in " + file + ": " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new IOException(field + ": no \"BEGIN CERTIFICATE\" block in " + file);
    }
    return certs;
  }

  /** The first private key in a PEM file. */
  static PrivateKey privateKey(Path file, String field) throws IOException {
    for (Block b : blocks(file, field)) {
      switch (b.label()) {
        case "PRIVATE KEY":
          return pkcs8(b.der(), file, field);
        case "RSA PRIVATE KEY":
          return pkcs8(rsaToPkcs8(b.der()), file, field);
        case "EC PRIVATE KEY":
          return pkcs8(ecToPkcs8(b.der(), file, field), file, field);
        case "ENCRYPTED PRIVATE KEY":
          throw new IOException(
              field + ": " + file + " holds an encrypted private key; decrypt it first");
        default:
          // EC PARAMETERS, certificates: not the key
      }
    }
    throw new IOException(
        field
            + ": no private key in "
            + file
            + " (expected a PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block)");
  }

  private static PrivateKey pkcs8(byte[] der, Path file, String field) throws IOException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IOException(field + ": cannot read the private key in " + file);
  }

  /** PrivateKeyInfo { 0, { rsaEncryption, NULL }, OCTET STRING pkcs1 }. */
  static byte[] rsaToPkcs8(byte[] pkcs1) {
    return tlv(
        0x30, concat(VERSION_0, tlv(0x30, concat(RSA_ENCRYPTION, DER_NULL)), tlv(0x04, pkcs1)));
  }

  /** PrivateKeyInfo { 0, { ecPublicKey, curve }, OCTET STRING sec1 }; the curve comes from SEC1. */
  static byte[] ecToPkcs8(byte[] sec1, Path file, String field) throws IOException {
    byte[] curve = curveOf(sec1);
    if (curve.length == 0) {
      throw new IOException(field + ": the EC private key in " + file + " does not name its curve");
    }
    return tlv(0x30, concat(VERSION_0, tlv(0x30, concat(EC_PUBLIC_KEY, curve)), tlv(0x04, sec1)));
  }

  /**
   * The curve OID (whole TLV) of a SEC1 ECPrivateKey: SEQUENCE { version, OCTET STRING, [0] OID
   * OPTIONAL, [1] BIT STRING OPTIONAL }; empty when absent.
   */
  static byte[] curveOf(byte[] sec1) throws IOException {
    int[] seq = header(sec1, 0);
    if ((sec1[0] & 0xff) != 0x30) {
      throw new IOException("not a DER SEQUENCE");
    }
    int at = seq[0];
    int end = seq[0] + seq[1];
    while (at < end) {
      int tag = sec1[at] & 0xff;
      int[] h = header(sec1, at);
      if (tag == 0xa0) {
        int[] inner = header(sec1, h[0]);
        int innerEnd = inner[0] + inner[1];
        byte[] oid = new byte[innerEnd - h[0]];
        System.arraycopy(sec1, h[0], oid, 0, oid.length);
        return oid;
      }
      at = h[0] + h[1];
    }
    return new byte[0];
  }

  /** {start of content, content length} of the DER element at {@code at}. */
  private static int[] header(byte[] der, int at) throws IOException {
    if (at + 2 > der.length) {
      throw new IOException("truncated DER");
    }
    int first = der[at + 1] & 0xff;
    if (first < 0x80) {
      return checked(der, at + 2, first);
    }
    int n = first & 0x7f;
    if (n < 1 || n > 3 || at + 2 + n > der.length) {
      throw new IOException("bad DER length");
    }
    int len = 0;
    for (int i = 0; i < n; i++) {
      len = (len << 8) | (der[at + 2 + i] & 0xff);
    }
    return checked(der, at + 2 + n, len);
  }

  private static int[] checked(byte[] der, int start, int len) throws IOException {
    if (start + len > der.length) {
      throw new IOException("truncated DER");
    }
    return new int[] {start, len};
  }

  static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
