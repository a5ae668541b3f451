package io.hellgate.export.crypto.internal;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Turns PEM or DER input into certificates, or says what it is instead (raw public key, private
 * key, garbage). Messages never contain input bytes.
 */
public final class CertificateParser {
  /** What the input turned out to be. */
  public enum Kind {
    CERTIFICATES,
    PUBLIC_KEY,
    PRIVATE_KEY,
    UNREADABLE
  }

  /** The outcome of parsing. */
  public static final class Result {
    private final Kind kind;
    private final List<X509Certificate> certificates;
    private final String problem;

    private Result(Kind kind, List<X509Certificate> certificates, String problem) {
      this.kind = kind;
      this.certificates = List.copyOf(certificates);
      this.problem = problem;
    }

    public Kind kind() {
      return kind;
    }

    /** The certificates in input order; empty unless {@link Kind#CERTIFICATES}. */
    public List<X509Certificate> certificates() {
      return certificates;
    }

    /** A content-free description of why parsing failed, or null. */
    public String problem() {
      return problem;
    }
  }

  private CertificateParser() {}

  /**
   * Parses certificate input: PEM (one or more blocks), or DER (one certificate, or several
   * concatenated, leaf first). Input holding a private key anywhere is reported as such.
   */
  public static Result parse(byte[] input) {
    if (input.length == 0) {
      return new Result(Kind.UNREADABLE, List.of(), "the input is empty");
    }
    if (PemBlocks.mentionsPrivateKey(input)) {
      return new Result(Kind.PRIVATE_KEY, List.of(), "the input contains a private key");
    }
    if (PemBlocks.looksLikePem(input)) {
      return parsePem(input);
    }
    return parseDer(input);
  }

  private static Result parsePem(byte[] input) {
    List<PemBlocks.Block> blocks;
    try {
      blocks = PemBlocks.parse(input);
    } catch (IllegalArgumentException e) {
      return new Result(Kind.UNREADABLE, List.of(), e.getMessage());
    }
    List<X509Certificate> certs = new ArrayList<>();
    boolean publicKey = false;
    for (PemBlocks.Block b : blocks) {
      if (b.isPrivateKey() || isPrivateKeyDer(b.der())) {
        return new Result(Kind.PRIVATE_KEY, List.of(), "the input contains a private key");
      }
      switch (b.label()) {
        case "CERTIFICATE":
        case "X509 CERTIFICATE":
        case "TRUSTED CERTIFICATE":
          X509Certificate c = certificate(b.der());
          if (c == null) {
            return new Result(
                Kind.UNREADABLE,
                List.of(),
                "PEM block " + (certs.size() + 1) + " is labelled CERTIFICATE but is not a valid X.509 certificate");
          }
          certs.add(c);
          break;
        case "PUBLIC KEY":
        case "RSA PUBLIC KEY":
          publicKey = true;
          break;
        default:
          break;
      }
    }
    if (!certs.isEmpty()) {
      return new Result(Kind.CERTIFICATES, certs, null);
    }
    if (publicKey) {
      return new Result(Kind.PUBLIC_KEY, List.of(), "the input is a raw public key");
    }
    return new Result(Kind.UNREADABLE, List.of(), "the input contains no CERTIFICATE block");
  }

  private static Result parseDer(byte[] input) {
    // CertificateFactory reads the first DER object and ignores the rest, which could be a private
    // key: split the input into its objects first, and judge every one.
    List<byte[]> objects = derObjects(input);
    int covered = 0;
    for (byte[] o : objects) {
      if (isPrivateKeyDer(o)) {
        return new Result(Kind.PRIVATE_KEY, List.of(), "the input contains a DER private key");
      }
      covered += o.length;
    }
    if (covered == input.length && objects.size() > 1) {
      List<X509Certificate> certs = new ArrayList<>();
      for (int k = 0; k < objects.size(); k++) {
        X509Certificate c = certificate(objects.get(k));
        if (c == null) {
          return new Result(Kind.UNREADABLE, List.of(),
              "DER object " + (k + 1) + " of " + objects.size() + " is not an X.509 certificate");
        }
        certs.add(c);
      }
      return new Result(Kind.CERTIFICATES, certs, null);
    }
    X509Certificate c = certificate(input);
    if (c != null) {
      return new Result(Kind.CERTIFICATES, List.of(c), null);
    }
    if (isPrivateKeyDer(input)) {
      return new Result(Kind.PRIVATE_KEY, List.of(), "the input is a DER private key");
    }
    if (isPublicKeyDer(input)) {
      return new Result(Kind.PUBLIC_KEY, List.of(), "the input is a raw public key");
    }
    return new Result(
        Kind.UNREADABLE, List.of(), "the input is neither PEM nor a DER X.509 certificate");
  }

  /**
   * The consecutive DER objects (definite-length TLVs) at the start of {@code input}, up to the
   * first bytes that are not one (all of it if their lengths add up to the input's).
   */
  private static List<byte[]> derObjects(byte[] input) {
    List<byte[]> objects = new ArrayList<>();
    int off = 0;
    while (off < input.length) {
      if (off + 2 > input.length || (input[off] & 0x1f) == 0x1f) {
        return objects; // truncated, or a multi-byte tag (never a certificate or key)
      }
      int first = input[off + 1] & 0xff;
      long len;
      int header;
      if (first < 0x80) {
        len = first;
        header = 2;
      } else {
        int n = first & 0x7f;
        if (n == 0 || n > 4 || off + 2 + n > input.length) {
          return objects; // indefinite length (BER), or absurd
        }
        len = 0;
        for (int k = 0; k < n; k++) {
          len = (len << 8) | (input[off + 2 + k] & 0xff);
        }
        header = 2 + n;
      }
      long end = off + header + len;
      if (end > input.length) {
        return objects;
      }
      objects.add(java.util.Arrays.copyOfRange(input, off, (int) end));
      off = (int) end;
    }
    return objects;
  }

  /** A DER certificate, or null if the bytes are not exactly one. */
  public static X509Certificate certificate(byte[] der) {
    if (der.length == 0 || der[0] != 0x30) {
      return null;
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      X509Certificate c = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
      return c.getEncoded().length == der.length ? c : null; // nothing may follow it
    } catch (CertificateException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Parses a bundle of certificates (PEM blocks or one DER certificate) for trust anchors or
   * intermediates.
   *
   * @throws IllegalArgumentException with a content-free message if anything is not a certificate
   */
  public static List<X509Certificate> bundle(byte[] input, String what) {
    Result r = parse(input);
    if (r.kind() == Kind.PRIVATE_KEY) {
      throw new IllegalArgumentException(
          what + " contains a private key; never send private keys, passphrases, or HSM access details");
    }
    if (r.kind() != Kind.CERTIFICATES) {
      throw new IllegalArgumentException(what + ": " + r.problem());
    }
    return r.certificates();
  }

  /** Parses CRLs from PEM ({@code X509 CRL}) or DER. */
  public static List<X509CRL> crls(byte[] input) {
    List<byte[]> ders = new ArrayList<>();
    if (PemBlocks.looksLikePem(input)) {
      for (PemBlocks.Block b : PemBlocks.parse(input)) {
        if (b.label().equals("X509 CRL")) {
          ders.add(b.der());
        }
      }
    } else {
      ders.add(input);
    }
    List<X509CRL> out = new ArrayList<>();
    for (byte[] der : ders) {
      try {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        out.add((X509CRL) cf.generateCRL(new ByteArrayInputStream(der)));
      } catch (java.security.cert.CRLException | CertificateException | RuntimeException e) {
        throw new IllegalArgumentException("a supplied CRL is not a valid X.509 CRL");
      }
    }
    return out;
  }

  private static ASN1Sequence sequence(byte[] der) {
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(der);
      return p instanceof ASN1Sequence ? (ASN1Sequence) p : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** Whether DER bytes are PKCS#8 (plain or encrypted), PKCS#1 RSA or SEC1 EC private key. */
  public static boolean isPrivateKeyDer(byte[] der) {
    ASN1Sequence seq = sequence(der);
    if (seq == null) {
      return false;
    }
    try {
      PrivateKeyInfo.getInstance(seq);
      return true;
    } catch (RuntimeException ignored) {
      // not PKCS#8
    }
    try {
      RSAPrivateKey.getInstance(seq);
      return true;
    } catch (RuntimeException ignored) {
      // not PKCS#1
    }
    try {
      EncryptedPrivateKeyInfo.getInstance(seq);
      return true;
    } catch (RuntimeException ignored) {
      // not encrypted PKCS#8
    }
    try {
      ECPrivateKey k = ECPrivateKey.getInstance(seq);
      return k.getKey() != null;
    } catch (RuntimeException ignored) {
      return false;
    }
  }

  private static boolean isPublicKeyDer(byte[] der) {
    ASN1Sequence seq = sequence(der);
    if (seq == null) {
      return false;
    }
    try {
      SubjectPublicKeyInfo.getInstance(seq);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
